using AmqpBroker.Core.Queues.Stream;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Tests.Queues.Stream;

/// <summary>The store of the chunk tests: streams in memory whose writer turns the test takes.</summary>
public sealed partial class StreamChunkTests
{
    /// <summary>A stream writer whose turns the test takes: a chunk ends exactly where it calls <see cref="Take"/>.</summary>
    private sealed class ManualTurns : IStreamWriterTurns
    {
        public long Taken { get; private set; }

        public void Request()
        {
        }

        public void Take() => Taken++;
    }

    private sealed class ManualChunkStore(ManualTurns turns) : IMessageStore
    {
        public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered)
        {
            recovered = [];
            return null;
        }

        public IStreamLog OpenStream(string virtualHost, string stream, long segmentSize) => new MemoryStreamLog(segmentSize, turns);

        public void DeleteQueue(string virtualHost, string queue)
        {
        }

        public void WhenDurable(IDurabilityWaiter waiter, ulong token) => waiter.OnDurable(token);

        public void Dispose()
        {
        }
    }
}
