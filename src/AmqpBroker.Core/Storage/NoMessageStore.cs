using AmqpBroker.Core.Queues.Stream;

namespace AmqpBroker.Core.Storage;

/// <summary>Keeps every message in memory: nothing survives the process, and everything is "durable" at once.</summary>
public sealed class NoMessageStore : IMessageStore
{
    public static readonly NoMessageStore Instance = new();

    private NoMessageStore()
    {
    }

    public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered)
    {
        recovered = [];
        return null;
    }

    public IStreamLog OpenStream(string virtualHost, string stream, long segmentSize) => new MemoryStreamLog(segmentSize, new ThreadPoolTurns());

    public void DeleteQueue(string virtualHost, string queue)
    {
    }

    public void WhenDurable(IDurabilityWaiter waiter, ulong token) => waiter.OnDurable(token);

    public void Dispose()
    {
    }
}
