using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// The writer turns of the streams a broker keeps in memory. A chunk closes when a thread-pool item queued as it
/// opened runs, so everything appended in the meantime (a burst read off one connection, publishes from several)
/// joins it — small chunks when publishing is slow, bigger ones under load, as osiris's writer batches its mailbox.
/// A confirm also takes a turn (<see cref="Take"/>) before it is sent: as on RabbitMQ, where a confirm follows the
/// write of its chunk, a message published after a confirm arrived never joins the confirmed message's chunk.
/// One reused work item: nothing is allocated per chunk.
/// </summary>
internal sealed class MemoryWriterTurns : IStreamWriterTurns, IThreadPoolWorkItem
{
    private long _taken;

    public long Taken => Volatile.Read(ref _taken);

    public void Request() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    /// <summary>Ends every chunk being filled now.</summary>
    public void Take() => Interlocked.Increment(ref _taken);

    public void Execute() => Take();
}
