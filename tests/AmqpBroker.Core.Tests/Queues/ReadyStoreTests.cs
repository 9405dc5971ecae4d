using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>The ready messages of a queue across priority levels, in-memory rings and paged tails.</summary>
[TestFixture]
public sealed class ReadyStoreTests
{
    [TestCase(1)]
    [TestCase(7)]
    [TestCase(42)]
    [TestCase(2024)]
    public void Random_mix_of_operations_with_paging_matches_a_model(int seed)
    {
        var random = new Random(seed);
        var log = new MemoryLog(inMemoryLimit: 4);
        var ready = new ReadyStore(PriorityLevels.Classic(2), log);
        var model = new SortedSet<(int NegatedPriority, long Sequence)>();
        var outside = new List<QueueEntry>();
        var persistentOnes = new HashSet<long>();
        long next = 0;

        for (var step = 0; step < 5000; step++)
        {
            switch (random.Next(4))
            {
                case 0 or 1:
                    var persistent = random.Next(3) > 0;
                    var priority = (byte)random.Next(3);
                    var entry = new QueueEntry(Message(next, persistent, priority), next++, false);
                    if (persistent)
                    {
                        persistentOnes.Add(entry.Sequence);
                    }

                    ready.Enqueue(entry, persistent ? log.Append(entry.Sequence, entry.Message, entry.ExpiresAt) : DurableEntries.NotLogged);
                    model.Add((-priority, entry.Sequence));
                    break;
                case 2 when ready.Count > 0:
                    Assert.That(ready.TryDequeue(out var taken), Is.True);
                    Assert.That((-taken.Message.Summary.Priority, taken.Sequence), Is.EqualTo(model.Min), $"step {step}");
                    Assert.That(Encoding.UTF8.GetString(taken.Message.Body), Is.EqualTo(taken.Sequence.ToString()), "the bytes read back are the message's");
                    model.Remove(model.Min);
                    outside.Add(taken);
                    break;
                case 3 when outside.Count > 0:
                    var index = random.Next(outside.Count);
                    ready.Requeue(outside[index]);
                    model.Add((-outside[index].Message.Summary.Priority, outside[index].Sequence));
                    outside.RemoveAt(index);
                    break;
            }

            Assert.That(ready.Count, Is.EqualTo(model.Count));
            Assert.That(ready.Bytes, Is.EqualTo(model.Sum(m => Encoding.UTF8.GetByteCount(m.Sequence.ToString()))));
            Assert.That(ready.Tally.Persistent, Is.EqualTo(model.Count(m => persistentOnes.Contains(m.Sequence))), $"persistent, step {step}");
            Assert.That(ready.Tally.PagedOut, Is.InRange(0, ready.Tally.Persistent), "only logged (persistent) messages are paged out");
        }

        Assert.That(ready.Tally.PagedOut, Is.GreaterThan(0), "some are paged out before the drain");

        var drained = new List<long>();
        while (ready.TryDequeue(out var entry))
        {
            drained.Add(entry.Sequence);
        }

        Assert.That(drained, Is.EqualTo(model.Select(m => m.Sequence)));
        Assert.That((ready.Tally.Persistent, ready.Tally.PersistentBytes, ready.Tally.PagedOut, ready.Tally.PagedOutBytes), Is.EqualTo((0, 0L, 0, 0L)));
        Assert.That(log.Reads, Is.GreaterThan(1000), "the run paged messages out and read them back");
    }

    [Test]
    public void Expiry_anywhere_in_a_paged_tail_keeps_the_others_in_order()
    {
        var log = new MemoryLog(inMemoryLimit: 0);
        var ready = new ReadyStore(PriorityLevels.None, log);
        for (var sequence = 0; sequence < 6; sequence++)
        {
            var entry = new QueueEntry(Message(sequence, persistent: sequence != 3, priority: 0), sequence, false, ExpiresAt: sequence % 2 == 0 ? 100 : QueueEntry.Never);
            ready.Enqueue(entry, entry.Message.Summary.IsPersistent ? log.Append(sequence, entry.Message, entry.ExpiresAt) : DurableEntries.NotLogged);
        }

        List<QueueEntry> expired = [];
        List<long> unread = [];
        ready.RemoveExpired(nowMs: 100, headOnly: false, readBack: false, expired, unread);

        Assert.That(unread, Is.EqualTo(new long[] { 0, 2, 4 }), "paged ones leave unread when nobody needs their bytes");
        Assert.That(log.Reads, Is.Zero);
        var left = new List<long>();
        while (ready.TryDequeue(out var entry))
        {
            left.Add(entry.Sequence);
        }

        Assert.That(left, Is.EqualTo(new long[] { 1, 3, 5 }));
    }

    private static Message Message(long sequence, bool persistent, byte priority) =>
        Core.Messages.Message.Create(string.Empty, "q", new BasicProperties { DeliveryMode = persistent ? (byte)2 : (byte)1, Priority = priority }.Encode(), Encoding.UTF8.GetBytes(sequence.ToString()));

    /// <summary>A log that keeps copies of what it is given; locations are list indexes.</summary>
    private sealed class MemoryLog(int inMemoryLimit) : IQueueLog
    {
        private readonly List<(byte[] Properties, byte[] Body)> _records = [];

        public int Reads { get; private set; }

        public int InMemoryLimit => inMemoryLimit;

        public long NextId => 0;

        public long Append(long id, Message message, long expiresAt)
        {
            _records.Add((message.Properties.ToArray(), message.Body.ToArray()));
            return _records.Count - 1;
        }

        public Message Read(long location)
        {
            Reads++;
            var (properties, body) = _records[(int)location];
            return Core.Messages.Message.Create(string.Empty, "q", properties, body);
        }

        public void MarkDelivered(long id)
        {
        }

        public void Settle(long id)
        {
        }

        public void Dispose()
        {
        }
    }
}
