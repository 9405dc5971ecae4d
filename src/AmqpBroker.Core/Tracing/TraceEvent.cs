using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Tracing;

/// <summary>
/// One publish or delivery the firehose reports: the message (one reference held until the trace message is made)
/// and who published or received it. <see cref="Queue"/> is null for a publish, which is queued before it is routed
/// (so that its trace comes before those of its deliveries) and ready once <see cref="Routed"/> names its queues.
/// </summary>
internal sealed class TraceEvent(Message message, string? queue, bool redelivered, ClientConnection? connection, ushort channel, string? user)
{
    private volatile bool _isReady = queue is not null;

    public Message Message => message;

    public string? Queue => queue;

    public bool Redelivered => redelivered;

    public ClientConnection? Connection => connection;

    public ushort Channel => channel;

    public string? User => user;

    public bool IsReady => _isReady;

    /// <summary>A publish's CC and BCC keys, as it was routed by them; null for a delivery.</summary>
    public string[]? SelectedKeys { get; init; }

    /// <summary>Where a publish went, once routed.</summary>
    public IReadOnlyList<string> RoutedQueues { get; private set; } = [];

    public void Routed(List<Queue> queues)
    {
        RoutedQueues = [.. queues.Select(q => q.Name)];
        _isReady = true;
    }
}
