namespace AmqpBroker.Hosting;

/// <summary>
/// The AMQP sockets the listener serves right now, from accept to close (handshakes included), so that
/// whoever waits for connections to go (stopping, resetting) continues the moment the last one closes
/// instead of polling for it.
/// </summary>
internal sealed class OpenSockets
{
    private readonly Lock _lock = new();
    private int _count;
    private TaskCompletionSource _nextClose = NewSignal();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    public void Opened()
    {
        lock (_lock)
        {
            _count++;
        }
    }

    public void Closed()
    {
        TaskCompletionSource closed;
        lock (_lock)
        {
            _count--;
            (closed, _nextClose) = (_nextClose, NewSignal());
        }

        closed.TrySetResult();
    }

    /// <summary>Completes when the next socket closes (take it before checking what that close would change).</summary>
    public Task NextCloseAsync()
    {
        lock (_lock)
        {
            return _nextClose.Task;
        }
    }

    /// <summary>Completes once <paramref name="done"/> holds, checking it again each time a socket closes.</summary>
    public async Task WaitUntilAsync(Func<bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var nextClose = NextCloseAsync();
            if (done())
            {
                return;
            }

            await nextClose.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
