namespace AmqpBroker.Shovel;

/// <summary>
/// Which source delivery each published, not yet confirmed message came from (publish sequence number →
/// delivery tag), so that a destination confirm settles exactly those deliveries at the source.
/// Deliveries are published in tag order, so tags grow with sequence numbers.
/// </summary>
internal sealed class ConfirmTracker
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<ulong, ulong> _tagsBySequence = [];

    public void Add(ulong sequence, ulong deliveryTag)
    {
        lock (_lock)
        {
            _tagsBySequence.Add(sequence, deliveryTag);
        }
    }

    /// <summary>
    /// Removes what a confirm covers (the one sequence number, or every one up to it) and returns the
    /// delivery tags, in order. <paramref name="upToLast"/> tells whether no earlier delivery is still
    /// waiting, so that one settle with multiple=true of the last tag settles exactly these.
    /// </summary>
    public IReadOnlyList<ulong> Confirm(ulong sequence, bool multiple, out bool upToLast)
    {
        lock (_lock)
        {
            List<ulong> sequences = multiple ? [.. _tagsBySequence.Keys.TakeWhile(k => k <= sequence)] : _tagsBySequence.ContainsKey(sequence) ? [sequence] : [];
            var tags = new List<ulong>(sequences.Count);
            foreach (var key in sequences)
            {
                tags.Add(_tagsBySequence[key]);
                _tagsBySequence.Remove(key);
            }

            upToLast = tags.Count > 0 && (_tagsBySequence.Count == 0 || _tagsBySequence.First().Value > tags[^1]);
            return tags;
        }
    }
}
