using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// The writer turns of a stream kept in memory: a chunk closes when a thread-pool item queued as it opened
/// runs, so everything appended in the meantime (a burst read off one connection, publishes from several) joins
/// it — small chunks when publishing is slow, bigger ones under load, as osiris's writer batches its mailbox.
/// One reused work item: nothing is allocated per chunk.
/// </summary>
internal sealed class ThreadPoolTurns : IStreamWriterTurns, IThreadPoolWorkItem
{
    private long _taken;

    public long Taken => Volatile.Read(ref _taken);

    public void Request() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    public void Execute() => Interlocked.Increment(ref _taken);
}
