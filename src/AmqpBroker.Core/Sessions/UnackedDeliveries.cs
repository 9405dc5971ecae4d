namespace AmqpBroker.Core.Sessions;

/// <summary>
/// A session's unacked deliveries in delivery-tag order. Tags only grow, so entries are appended at the
/// back and found by binary search. Acks mostly settle the oldest delivery, so removal from the front
/// only advances a head index (compacting now and then) instead of shifting the list.
/// </summary>
internal sealed class UnackedDeliveries
{
    private readonly List<UnackedDelivery> _items = [];
    private int _head;

    public int Count => _items.Count - _head;

    public void Add(UnackedDelivery delivery) => _items.Add(delivery);

    /// <summary>The oldest delivery <paramref name="counts"/> accepts (tags grow with time, so the first one found), if any.</summary>
    public UnackedDelivery? Oldest(Func<UnackedDelivery, bool> counts)
    {
        for (var i = _head; i < _items.Count; i++)
        {
            if (counts(_items[i]))
            {
                return _items[i];
            }
        }

        return null;
    }

    /// <summary>Removes every delivery made to <paramref name="consumer"/> into <paramref name="removed"/>.</summary>
    public void RemoveOf(Consumer consumer, List<UnackedDelivery> removed)
    {
        var kept = _head;
        for (var i = _head; i < _items.Count; i++)
        {
            if (ReferenceEquals(_items[i].Consumer, consumer))
            {
                removed.Add(_items[i]);
            }
            else
            {
                _items[kept++] = _items[i];
            }
        }

        _items.RemoveRange(kept, _items.Count - kept);
        Compact();
    }

    /// <summary>Removes the delivery with <paramref name="tag"/>, or with multiple every delivery up to it, into <paramref name="removed"/>.</summary>
    public bool TryRemove(ulong tag, bool multiple, List<UnackedDelivery> removed)
    {
        var index = IndexOf(tag);
        if (multiple)
        {
            // Tag 0 means "everything so far"; any other tag must itself be unacked, as in RabbitMQ.
            if (tag != 0 && index < 0)
            {
                return false;
            }

            var end = tag == 0 ? _items.Count : index + 1;

            for (var i = _head; i < end; i++)
            {
                removed.Add(_items[i]);
            }

            _head = end;
            Compact();
            return true;
        }

        if (index < 0)
        {
            return false;
        }

        removed.Add(_items[index]);
        if (index == _head)
        {
            _head++;
            Compact();
        }
        else
        {
            _items.RemoveAt(index);
        }

        return true;
    }

    /// <summary>Puts deliveries back (a rolled-back transaction), keeping tag order.</summary>
    public void Restore(IReadOnlyList<UnackedDelivery> deliveries)
    {
        _items.RemoveRange(0, _head);
        _head = 0;
        _items.AddRange(deliveries);
        _items.Sort(static (a, b) => a.DeliveryTag.CompareTo(b.DeliveryTag));
    }

    public void RemoveAll(List<UnackedDelivery> removed)
    {
        for (var i = _head; i < _items.Count; i++)
        {
            removed.Add(_items[i]);
        }

        _items.Clear();
        _head = 0;
    }

    private void Compact()
    {
        if (_head == _items.Count)
        {
            _items.Clear();
            _head = 0;
        }
        else if (_head > 1024 && _head > _items.Count / 2)
        {
            _items.RemoveRange(0, _head);
            _head = 0;
        }
    }

    private int IndexOf(ulong tag)
    {
        int low = _head, high = _items.Count - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            var current = _items[mid].DeliveryTag;
            if (current == tag)
            {
                return mid;
            }

            if (current < tag)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }
}
