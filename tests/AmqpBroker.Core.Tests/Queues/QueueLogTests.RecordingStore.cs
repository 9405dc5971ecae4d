using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>The message store the log tests inspect: every record a queue writes, as text, and the messages to read back.</summary>
public sealed partial class QueueLogTests
{
    /// <summary>
    /// Records what queues write, one line per record, across all queues in order. A message's location is
    /// its id plus <see cref="LocationOffset"/>, so a queue reading by id instead of location would fail.
    /// </summary>
    private sealed class RecordingStore : IMessageStore
    {
        private const long LocationOffset = 1000;

        private readonly Dictionary<(string Queue, long Location), (byte[] Properties, byte[] Body)> _messages = [];

        public List<string> Records { get; } = [];

        public int InMemoryLimit { get; set; } = int.MaxValue;

        public long NextId { get; set; }

        public Dictionary<string, IReadOnlyList<RecoveredEntry>> Recovered { get; } = [];

        /// <summary>A message as if a previous run had logged it.</summary>
        public RecoveredEntry Stored(string queue, long id, string body, bool delivered, long expiresAt)
        {
            // An expiring message here is one that set its own expiration (no queue TTL is declared).
            var properties = expiresAt == QueueEntry.Never ? Persistent : PersistentExpiring;
            _messages[(queue, id + LocationOffset)] = (properties.Encode(), Encoding.UTF8.GetBytes(body));
            return new RecoveredEntry(id, id + LocationOffset, expiresAt, Encoding.UTF8.GetByteCount(body), Priority: 0, HasOwnTtl: expiresAt != QueueEntry.Never, delivered);
        }

        public IStreamLog OpenStream(string virtualHost, string stream, long segmentSize) =>
            new NoMessageStore().OpenStream(virtualHost, stream, segmentSize);

        public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered)
        {
            recovered = Recovered.GetValueOrDefault(queue) ?? [];
            return new Log(this, queue);
        }

        public void DeleteQueue(string virtualHost, string queue) => Records.Add($"delete {queue}");

        public void WhenDurable(IDurabilityWaiter waiter, ulong token) => waiter.OnDurable(token);

        public void Dispose()
        {
        }

        private sealed class Log(RecordingStore store, string queue) : IQueueLog
        {
            public int InMemoryLimit => store.InMemoryLimit;

            public long NextId => store.NextId;

            public long Append(long id, Message message, long expiresAt)
            {
                store.Records.Add($"append {queue} {id} {Encoding.UTF8.GetString(message.Body)}");
                store._messages[(queue, id + LocationOffset)] = (message.Properties.ToArray(), message.Body.ToArray());
                return id + LocationOffset;
            }

            public Message Read(long location)
            {
                store.Records.Add($"read {queue} {location - LocationOffset}");
                var (properties, body) = store._messages[(queue, location)];
                return Message.Create(string.Empty, queue, properties, body);
            }

            public void MarkDelivered(long id) => store.Records.Add($"delivered {queue} {id}");

            public void Settle(long id) => store.Records.Add($"settle {queue} {id}");

            public void Dispose()
            {
            }
        }
    }
}
