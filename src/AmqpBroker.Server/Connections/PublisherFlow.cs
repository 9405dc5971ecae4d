namespace AmqpBroker.Server.Connections;

/// <summary>
/// Credit-based flow control of one connection, as RabbitMQ's credit_flow throttles a reader: when a publish
/// reaches a queue that is behind its consumers (<see cref="Core.Publishing.PublishOutcome.QueueCaughtUp"/>), the
/// connection stops reading its socket — TCP back-pressure slows the publisher, no AMQP method is sent — until
/// that queue has caught up. A connection that consumes with acknowledgements is never throttled: the acks it
/// would stop reading may be what the queue waits for. The channels report publishes, the read loop waits;
/// <see cref="IsThrottled"/> and <see cref="WasInFlowWithin"/> are also read by the tick and the admin API.
/// </summary>
/// <param name="time">The broker's clock, which dates the end of the last flow (RabbitMQ shows <c>flow</c> for 5 s after).</param>
/// <param name="readsAcks">Whether the connection has a consumer that must acknowledge.</param>
internal sealed class PublisherFlow(TimeProvider time, Func<bool> readsAcks)
{
    private volatile Task? _caughtUp;
    private long _lastFlowTimestamp = long.MinValue;

    /// <summary>The read loop must stop reading until <see cref="WaitAsync"/> returns.</summary>
    public bool IsThrottled => _caughtUp is not null;

    /// <summary>Called on the read loop after a publish whose queue is behind.</summary>
    public void OnQueueBehind(Task caughtUp)
    {
        if (_caughtUp is null && !caughtUp.IsCompleted && !readsAcks())
        {
            _caughtUp = caughtUp;
        }
    }

    /// <summary>Waits until the queue has caught up or the connection goes (<paramref name="closed"/>).</summary>
    public async Task WaitAsync(Task closed)
    {
        if (_caughtUp is { } caughtUp)
        {
            Volatile.Write(ref _lastFlowTimestamp, long.MaxValue);
            await Task.WhenAny(caughtUp, closed).ConfigureAwait(false);
            Volatile.Write(ref _lastFlowTimestamp, time.GetTimestamp());
            _caughtUp = null;
        }
    }

    /// <summary>Whether the connection is in flow now or was within <paramref name="period"/>.</summary>
    public bool WasInFlowWithin(TimeSpan period)
    {
        var last = Volatile.Read(ref _lastFlowTimestamp);
        return last == long.MaxValue || (last != long.MinValue && time.GetElapsedTime(last) < period);
    }
}
