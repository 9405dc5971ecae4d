namespace AmqpBroker.Core.Queues;

/// <summary>
/// Credit-based publisher flow control for one queue, in the spirit of RabbitMQ's credit_flow: the queue lets
/// its ready backlog grow up to a credit, and above it the queue is <see cref="IsBehind"/> — publishing
/// connections that reach it stop reading their sockets until it has caught up (its backlog is back to half
/// the credit). The credit grows with consumer progress: it is what the queue's consumers took in the last
/// <see cref="WindowMs"/> (at least <see cref="MinimumCredit"/>), so a consumer that keeps up is never
/// throttled — its backlog stays near zero — and a slow one bounds the backlog to about a window's worth of
/// its own throughput. A queue without consumers is a buffer and never behind (the memory watermark bounds it).
/// Guarded by the queue's lock, except <see cref="IsBehind"/> and <see cref="WhenCaughtUp"/>, which publishers
/// read without it; a new episode of being behind allocates one task, a message nothing.
/// </summary>
internal sealed class QueueCredit
{
    /// <summary>The credit of a queue whose consumers have not yet shown their pace.</summary>
    public const int MinimumCredit = 2_000;

    /// <summary>How much of the consumers' recent throughput the backlog may hold: latency stays near this.</summary>
    public const long WindowMs = 100;

    private volatile TaskCompletionSource? _caughtUp;
    private long _delivered;
    private long _windowStartMs;

    /// <param name="nowMs">The queue clock's time now, in milliseconds: the first window starts here.</param>
    public QueueCredit(long nowMs) => _windowStartMs = nowMs;

    /// <summary>How many ready messages the queue holds before publishers are throttled.</summary>
    public int Credit { get; private set; } = MinimumCredit;

    /// <summary>The backlog is above the credit and has not yet come back to half of it.</summary>
    public bool IsBehind => _caughtUp is not null;

    /// <summary>Completes when the queue has caught up; a completed task when it is not behind.</summary>
    public Task WhenCaughtUp => _caughtUp?.Task ?? Task.CompletedTask;

    /// <summary>A message was handed to a consumer (consumer progress), leaving <paramref name="ready"/> behind.</summary>
    public void OnDelivered(int ready)
    {
        _delivered++;
        if (ready <= Credit / 2)
        {
            CatchUp();
        }
    }

    /// <summary>
    /// A message joined the ready backlog, now <paramref name="ready"/> long: the window rolls when it is over,
    /// and with consumers a backlog above the credit puts the queue behind.
    /// </summary>
    public void OnStored(int ready, int consumers, long nowMs)
    {
        var elapsed = nowMs - _windowStartMs;
        if (elapsed >= WindowMs)
        {
            // The consumers' throughput over the window that ended, scaled to one window.
            Credit = (int)Math.Clamp(_delivered * WindowMs / elapsed, MinimumCredit, int.MaxValue);
            _delivered = 0;
            _windowStartMs = nowMs;
        }

        if (consumers > 0 && ready > Credit && _caughtUp is null)
        {
            _caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>
    /// The backlog shrank other than by delivery (a get, expiry, purge) or consumers went away: catches up
    /// when it is small again or no consumer is left to wait for.
    /// </summary>
    public void OnShrunk(int ready, int consumers)
    {
        if (consumers == 0 || ready <= Credit / 2)
        {
            CatchUp();
        }
    }

    /// <summary>The queue is gone or caught up: publishers waiting for it read again.</summary>
    public void CatchUp()
    {
        if (_caughtUp is { } caughtUp)
        {
            _caughtUp = null;
            caughtUp.TrySetResult();
        }
    }
}
