namespace AmqpBroker.Hosting;

/// <summary>
/// The AMQP sockets the listener serves right now, from accept to close (handshakes included), so that
/// stopping the broker continues the moment the last one closes instead of polling for it.
/// </summary>
internal sealed class OpenSockets
{
    private readonly Lock _lock = new();
    private int _count;
    private TaskCompletionSource? _allClosed;

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
        TaskCompletionSource? waiting = null;
        lock (_lock)
        {
            if (--_count == 0)
            {
                (waiting, _allClosed) = (_allClosed, null);
            }
        }

        waiting?.TrySetResult();
    }

    /// <summary>Completes when no socket is open (at once when none is).</summary>
    public Task AllClosedAsync()
    {
        lock (_lock)
        {
            return _count == 0 ? Task.CompletedTask : (_allClosed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
