using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// Reusable lists for routing one publish at a time, owned by a publishing channel so that routing
/// allocates nothing per message. Not thread-safe: one per channel read loop.
/// </summary>
public sealed class RoutingScratch
{
    internal List<IBindingDestination> Destinations { get; } = [];

    internal List<Exchange> Visited { get; } = [];

    /// <summary>The distinct queues the last publish reached.</summary>
    public List<Queue> Queues { get; } = [];

    internal void Clear()
    {
        Destinations.Clear();
        Visited.Clear();
        Queues.Clear();
    }
}
