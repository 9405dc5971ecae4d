using AmqpBroker.Core.Queues.Stream;

namespace AmqpBroker.Core.Storage;

/// <summary>
/// Keeps every message in memory: nothing survives the process, and everything is "durable" once the streams' open
/// chunks have ended (at once when none is open). One per broker: its streams share their writer turns, which its
/// confirms wait for.
/// </summary>
public sealed class NoMessageStore : IMessageStore
{
    private readonly MemoryWriterTurns _streamTurns = new();

    public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered)
    {
        recovered = [];
        return null;
    }

    public IStreamLog OpenStream(string virtualHost, string stream, long segmentSize) => new MemoryStreamLog(segmentSize, _streamTurns);

    public void DeleteQueue(string virtualHost, string queue)
    {
    }

    /// <summary>At once, or once the streams' open chunks have ended (see <see cref="MemoryWriterTurns.AfterOpenChunks"/>).</summary>
    public void WhenDurable(IDurabilityWaiter waiter, ulong token) => _streamTurns.AfterOpenChunks(waiter, token);

    public void Dispose()
    {
    }
}
