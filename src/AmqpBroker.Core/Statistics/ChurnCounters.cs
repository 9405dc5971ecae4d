namespace AmqpBroker.Core.Statistics;

/// <summary>
/// The node's churn since start, as rabbitmq_prometheus's connection_churn_metrics count it: connections and
/// channels opened and closed, queues declared, created and deleted. One interlocked increment per lifecycle
/// event; nothing per message.
/// </summary>
public sealed class ChurnCounters
{
    private long _connectionsOpened;
    private long _connectionsClosed;
    private long _channelsOpened;
    private long _channelsClosed;
    private long _queuesDeclared;
    private long _queuesCreated;
    private long _queuesDeleted;

    /// <summary>Connections that completed connection.open.</summary>
    public long ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>Accepted sockets that ended, opened or not (RabbitMQ counts every reader that terminates, so this can exceed <see cref="ConnectionsOpened"/>).</summary>
    public long ConnectionsClosed => Volatile.Read(ref _connectionsClosed);

    public long ChannelsOpened => Volatile.Read(ref _channelsOpened);

    public long ChannelsClosed => Volatile.Read(ref _channelsClosed);

    /// <summary>Non-passive queue.declare that passed the permission and name checks, new queue or not.</summary>
    public long QueuesDeclared => Volatile.Read(ref _queuesDeclared);

    /// <summary>Declarations that created the queue.</summary>
    public long QueuesCreated => Volatile.Read(ref _queuesCreated);

    /// <summary>Queues removed for any reason: deleted, auto-deleted, expired, exclusive owner gone, vhost deleted.</summary>
    public long QueuesDeleted => Volatile.Read(ref _queuesDeleted);

    internal void OnConnectionOpened() => Interlocked.Increment(ref _connectionsOpened);

    public void OnConnectionClosed() => Interlocked.Increment(ref _connectionsClosed);

    public void OnChannelOpened() => Interlocked.Increment(ref _channelsOpened);

    public void OnChannelsClosed(int count) => Interlocked.Add(ref _channelsClosed, count);

    internal void OnQueueDeclared() => Interlocked.Increment(ref _queuesDeclared);

    internal void OnQueueCreated() => Interlocked.Increment(ref _queuesCreated);

    internal void OnQueuesDeleted(int count) => Interlocked.Add(ref _queuesDeleted, count);
}
