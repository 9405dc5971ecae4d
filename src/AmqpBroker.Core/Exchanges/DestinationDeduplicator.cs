namespace AmqpBroker.Core.Exchanges;

/// <summary>Keeps a publish from reaching a destination twice when several bindings match it.</summary>
internal static class DestinationDeduplicator
{
    private const int LinearLimit = 16;

    /// <summary>Removes repeated entries at and after <paramref name="start"/>, keeping first occurrences in order.</summary>
    public static void RemoveDuplicates<T>(List<T> destinations, int start = 0)
        where T : class
    {
        var count = destinations.Count - start;
        if (count < 2)
        {
            return;
        }

        HashSet<T>? seen = count > LinearLimit ? new HashSet<T>(count, ReferenceEqualityComparer.Instance) : null;
        var kept = start;
        for (var i = start; i < destinations.Count; i++)
        {
            var queue = destinations[i];
            if (seen is not null ? seen.Add(queue) : destinations.IndexOf(queue, start, kept - start) < 0)
            {
                destinations[kept++] = queue;
            }
        }

        destinations.RemoveRange(kept, destinations.Count - kept);
    }
}
