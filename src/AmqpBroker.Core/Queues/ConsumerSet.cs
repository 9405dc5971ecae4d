using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue's consumers in delivery order: highest x-priority first, and round-robin among consumers of
/// equal priority. With x-single-active-consumer only the earliest consumer receives; when it goes, the
/// next in line takes over. Guarded by the owning queue's lock.
/// </summary>
internal sealed class ConsumerSet(bool singleActive)
{
    private readonly List<Consumer> _consumers = [];
    private int _rotation;

    public int Count => _consumers.Count;

    public bool HasExclusive => _consumers.Exists(static c => c.Exclusive);

    /// <summary>The consumer first in delivery order: with a single active consumer, the active one.</summary>
    public Consumer? First => _consumers.Count > 0 ? _consumers[0] : null;

    public void Add(Consumer consumer)
    {
        var index = singleActive ? _consumers.Count : _consumers.FindIndex(c => c.Priority < consumer.Priority);
        _consumers.Insert(index < 0 ? _consumers.Count : index, consumer);
    }

    public bool Remove(Consumer consumer) => _consumers.Remove(consumer);

    public Consumer[] RemoveAll()
    {
        var all = _consumers.ToArray();
        _consumers.Clear();
        return all;
    }

    /// <summary>Hands the entry to the first consumer in order that has credit; null when none has.</summary>
    public Consumer? Deliver(QueueEntry entry)
    {
        if (singleActive)
        {
            return _consumers.Count > 0 && _consumers[0].Session.TryDeliver(_consumers[0], entry) ? _consumers[0] : null;
        }

        var start = 0;
        while (start < _consumers.Count)
        {
            var priority = _consumers[start].Priority;
            var end = start + 1;
            while (end < _consumers.Count && _consumers[end].Priority == priority)
            {
                end++;
            }

            var size = end - start;
            for (var attempt = 0; attempt < size; attempt++)
            {
                var consumer = _consumers[start + ((_rotation + attempt) % size)];
                if (consumer.Session.TryDeliver(consumer, entry))
                {
                    _rotation += attempt + 1;
                    return consumer;
                }
            }

            start = end;
        }

        return null;
    }
}
