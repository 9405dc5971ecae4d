using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// Reusable state for routing one publish at a time, owned by a publishing channel so that routing
/// allocates nothing per message. Not thread-safe: one per channel read loop.
/// </summary>
public sealed class RoutingScratch
{
    /// <summary>Where <see cref="Exchange.Route"/> adds the destinations a message matches.</summary>
    public List<IBindingDestination> Destinations { get; } = [];

    internal List<Exchange> Visited { get; } = [];

    /// <summary>The set <see cref="DestinationDeduplicator"/> uses for long lists.</summary>
    internal HashSet<object> Seen { get; } = new(ReferenceEqualityComparer.Instance);

    internal TopicMatchScratch Topic { get; } = new();

    /// <summary>
    /// The message's routing keys from its CC and BCC headers (RabbitMQ's sender-selected distribution): the
    /// exchanges that route by key route by each of these too. Filled and cleared by the publisher.
    /// </summary>
    public List<string> SenderSelectedKeys { get; } = [];

    /// <summary>The distinct queues the last publish reached.</summary>
    public List<Queue> Queues { get; } = [];

    /// <summary>A delayed-message exchange took the last publish to release later: reaching no queue now is not a loss.</summary>
    internal bool Held { get; set; }

    internal void Clear()
    {
        Held = false;
        Destinations.Clear();
        Visited.Clear();
        Queues.Clear();
    }
}
