using AmqpBroker.Core.Queues.Stream;

namespace AmqpBroker.Core.Storage;

/// <summary>
/// Keeps every message in memory: nothing survives the process, and everything is "durable" at once. One per
/// broker: its streams share their writer turns, which its confirms take too.
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

    /// <summary>At once, after ending the streams' open chunks (see <see cref="MemoryWriterTurns.Take"/>).</summary>
    public void WhenDurable(IDurabilityWaiter waiter, ulong token)
    {
        _streamTurns.Take();
        waiter.OnDurable(token);
    }

    public void Dispose()
    {
    }
}
