using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>The message store the transient paging tests inspect: a log for persistent messages and a temporary file per queue, both in memory.</summary>
public sealed partial class TransientPagingTests
{
    private sealed class PagingStore : IMessageStore
    {
        private readonly Dictionary<(string Queue, long Location), (byte[] Properties, byte[] Body)> _logged = [];

        public int InMemoryLimit { get; set; } = int.MaxValue;

        public bool UnderMemoryPressure { get; set; }

        /// <summary>Every temporary file opened, by queue name (the latest for a name).</summary>
        public Dictionary<string, MemoryPages> Pages { get; } = [];

        /// <summary>Ids settled in a log, as "queue id".</summary>
        public List<string> Settled { get; } = [];

        /// <summary>Persistent messages read back from a log, as "queue body".</summary>
        public List<string> LogReads { get; } = [];

        /// <summary>Bodies whose bytes cannot be read back, from the log or a temporary file, as after a disk error.</summary>
        public HashSet<string> Unreadable { get; } = [];

        /// <summary>Throws as a store does when a message's bytes cannot be read.</summary>
        public void ThrowIfUnreadable(byte[] body)
        {
            if (Unreadable.Contains(Encoding.UTF8.GetString(body)))
            {
                throw new IOException("injected read failure");
            }
        }

        public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered)
        {
            recovered = [];
            return new Log(this, queue);
        }

        public ITransientPages? OpenTransientPages(string virtualHost, string queue) => Pages[queue] = new MemoryPages(this);

        public IStreamLog OpenStream(string virtualHost, string stream, long segmentSize) =>
            new NoMessageStore().OpenStream(virtualHost, stream, segmentSize);

        public void DeleteQueue(string virtualHost, string queue)
        {
        }

        public void WhenDurable(IDurabilityWaiter waiter, ulong token) => waiter.OnDurable(token);

        public void Dispose()
        {
        }

        private sealed class Log(PagingStore store, string queue) : IQueueLog
        {
            private long _next;

            public int InMemoryLimit => store.InMemoryLimit;

            public long NextId => 0;

            public long Append(long id, Message message, long expiresAt)
            {
                store._logged[(queue, _next)] = (message.Properties.ToArray(), message.Body.ToArray());
                return _next++;
            }

            public Message Read(long location)
            {
                var (properties, body) = store._logged[(queue, location)];
                store.ThrowIfUnreadable(body);
                store.LogReads.Add($"{queue} {Encoding.UTF8.GetString(body)}");
                return Message.Create(string.Empty, queue, properties, body);
            }

            public void MarkDelivered(long id)
            {
            }

            public void Settle(long id) => store.Settled.Add($"{queue} {id}");

            public void Dispose()
            {
            }
        }
    }

    /// <summary>A temporary file in memory: what is held now, what was read back, and whether it was deleted.</summary>
    private sealed class MemoryPages(PagingStore store) : ITransientPages
    {
        private readonly Dictionary<long, (byte[] Properties, byte[] Body)> _held = [];
        private long _next = 7;

        public int InMemoryLimit => store.InMemoryLimit;

        public bool UnderMemoryPressure => store.UnderMemoryPressure;

        /// <summary>While set, appends fail as a full or broken disk makes them.</summary>
        public bool FailAppends { get; set; }

        public int Appends { get; private set; }

        public int Held => _held.Count;

        public List<string> Reads { get; } = [];

        public bool Deleted { get; private set; }

        /// <summary>What the queue asked to be called while the node is short of memory.</summary>
        public Func<long>? PageOut { get; private set; }

        public void OnMemoryPressure(Func<long> pageOut) => PageOut = pageOut;

        public long Append(Message message)
        {
            if (FailAppends)
            {
                return ITransientPages.NotPaged;
            }

            Appends++;
            _held[_next] = (message.Properties.ToArray(), message.Body.ToArray());
            return _next++;
        }

        public Message Read(long location)
        {
            var (properties, body) = _held[location];
            store.ThrowIfUnreadable(body);
            Reads.Add(Encoding.UTF8.GetString(body));
            return Message.Create(string.Empty, "q", properties, body);
        }

        public void Release(long location) => Assert.That(_held.Remove(location), Is.True, "released once, while held");

        public void Dispose() => Deleted = true;
    }
}
