namespace AmqpBroker.Core.Sessions;

/// <summary>
/// A session's unacked deliveries in delivery-tag order. Tags only grow, so entries are appended at the
/// back, found by binary search, and "multiple" settles a prefix.
/// </summary>
internal sealed class UnackedDeliveries
{
    private readonly List<UnackedDelivery> _items = [];

    public int Count => _items.Count;

    public void Add(UnackedDelivery delivery) => _items.Add(delivery);

    /// <summary>Removes the delivery with <paramref name="tag"/>, or with multiple every delivery up to it, into <paramref name="removed"/>.</summary>
    public bool TryRemove(ulong tag, bool multiple, List<UnackedDelivery> removed)
    {
        var index = IndexOf(tag);
        if (multiple)
        {
            // basic.ack multiple with tag 0 means "everything so far".
            var end = tag == 0 ? _items.Count : (index >= 0 ? index + 1 : ~index);
            if (end == 0)
            {
                return tag == 0;
            }

            removed.AddRange(_items.GetRange(0, end));
            _items.RemoveRange(0, end);
            return true;
        }

        if (index < 0)
        {
            return false;
        }

        removed.Add(_items[index]);
        _items.RemoveAt(index);
        return true;
    }

    /// <summary>Puts deliveries back (a rolled-back transaction), keeping tag order.</summary>
    public void Restore(IReadOnlyList<UnackedDelivery> deliveries)
    {
        _items.AddRange(deliveries);
        _items.Sort(static (a, b) => a.DeliveryTag.CompareTo(b.DeliveryTag));
    }

    public void RemoveAll(List<UnackedDelivery> removed)
    {
        removed.AddRange(_items);
        _items.Clear();
    }

    private int IndexOf(ulong tag)
    {
        int low = 0, high = _items.Count - 1;
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
