namespace AmqpBroker.Core.Exchanges;

/// <summary>Keeps a publish from reaching a destination twice when several bindings match it.</summary>
internal static class DestinationDeduplicator
{
    private const int LinearLimit = 16;

    /// <summary>
    /// Removes repeated entries at and after <paramref name="start"/>, keeping first occurrences in order.
    /// A long list is checked through <paramref name="seen"/> (by reference), a short one by scanning.
    /// </summary>
    public static void RemoveDuplicates<T>(List<T> destinations, HashSet<object> seen, int start = 0)
        where T : class
    {
        var count = destinations.Count - start;
        if (count < 2)
        {
            return;
        }

        var useSet = count > LinearLimit;
        if (useSet)
        {
            seen.Clear();
        }

        var kept = start;
        for (var i = start; i < destinations.Count; i++)
        {
            var queue = destinations[i];
            if (useSet ? seen.Add(queue) : destinations.IndexOf(queue, start, kept - start) < 0)
            {
                destinations[kept++] = queue;
            }
        }

        destinations.RemoveRange(kept, destinations.Count - kept);
    }
}
