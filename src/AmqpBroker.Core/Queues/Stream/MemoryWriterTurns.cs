using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// The writer turns of the streams a broker keeps in memory. A chunk closes when a thread-pool item queued as it
/// opened runs, so everything appended in the meantime (a burst read off one connection, publishes from several)
/// joins it — small chunks when publishing is slow, bigger ones under load, as osiris's writer batches its mailbox.
/// Confirms wait for that turn too (<see cref="AfterOpenChunks"/>): as on RabbitMQ, where a confirm follows the write
/// of its chunk, a message published after a confirm arrived never joins the confirmed message's chunk, and
/// pipelined publishes still share chunks. One reused work item, queued at most once at a time: nothing is
/// allocated per chunk, and chunks opened while one is queued share its turn.
/// </summary>
internal sealed class MemoryWriterTurns : IStreamWriterTurns, IThreadPoolWorkItem
{
    private readonly Lock _lock = new();
    private readonly Action<IThreadPoolWorkItem> _schedule;
    private List<(IDurabilityWaiter Waiter, ulong Token)> _waiting = [];

    // A released list kept for reuse; a turn that runs while another still releases takes a new one.
    private List<(IDurabilityWaiter Waiter, ulong Token)>? _spare;
    private long _taken;

    // Set (under the lock) from the request of a turn until the turn is taken: while it is, a chunk may be open.
    private volatile bool _requested;

    public MemoryWriterTurns()
        : this(static item => ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false))
    {
    }

    /// <summary>With <paramref name="schedule"/> queuing the turns instead of the thread pool (tests run them).</summary>
    internal MemoryWriterTurns(Action<IThreadPoolWorkItem> schedule) => _schedule = schedule;

    public long Taken => Volatile.Read(ref _taken);

    public void Request()
    {
        lock (_lock)
        {
            if (!_requested)
            {
                _requested = true;
                _schedule(this);
            }
        }
    }

    /// <summary>
    /// Tells <paramref name="waiter"/> once every chunk open now has ended: at once when no turn is pending (no chunk
    /// can be open, as every chunk asks for the turn that ends it), else on that turn, with the waiters before it.
    /// </summary>
    public void AfterOpenChunks(IDurabilityWaiter waiter, ulong token)
    {
        if (_requested)
        {
            lock (_lock)
            {
                if (_requested)
                {
                    _waiting.Add((waiter, token));
                    return;
                }
            }
        }

        waiter.OnDurable(token);
    }

    public void Execute()
    {
        List<(IDurabilityWaiter Waiter, ulong Token)> releasing;
        lock (_lock)
        {
            // Ends every open chunk and clears the request at once: a chunk that opens from here on asks again.
            Interlocked.Increment(ref _taken);
            _requested = false;
            if (_waiting.Count == 0)
            {
                return;
            }

            releasing = _waiting;
            _waiting = _spare ?? [];
            _spare = null;
        }

        foreach (var (waiter, token) in releasing)
        {
            waiter.OnDurable(token);
        }

        releasing.Clear();
        lock (_lock)
        {
            _spare = releasing;
        }
    }
}
