using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// The writer turns of the streams a broker keeps in memory. A chunk closes when a thread-pool item queued as it
/// opened runs, so everything appended in the meantime (a burst read off one connection, publishes from several)
/// joins it — small chunks when publishing is slow, bigger ones under load, as osiris's writer batches its mailbox.
/// A confirm also takes a turn (<see cref="Take"/>) before it is sent: as on RabbitMQ, where a confirm follows the
/// write of its chunk, a message published after a confirm arrived never joins the confirmed message's chunk.
/// One reused work item, queued at most once at a time: nothing is allocated per chunk, and chunks opened while
/// one is queued share its turn.
/// </summary>
internal sealed class MemoryWriterTurns : IStreamWriterTurns, IThreadPoolWorkItem
{
    private long _taken;
    private int _queued;

    public long Taken => Volatile.Read(ref _taken);

    public void Request()
    {
        if (Interlocked.Exchange(ref _queued, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Ends every chunk being filled now.</summary>
    public void Take() => Interlocked.Increment(ref _taken);

    public void Execute()
    {
        // Cleared first: a chunk that opens from here on asks for a turn of its own.
        Volatile.Write(ref _queued, 0);
        Take();
    }
}
