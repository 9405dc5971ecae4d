using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>The ring buffer of ready messages: FIFO, and requeued entries back in sequence order.</summary>
[TestFixture]
public sealed class ReadyMessagesTests
{
    private static readonly Core.Messages.Message Body = TestData.Message("xyz");

    [Test]
    public void Entries_come_out_in_the_order_they_went_in()
    {
        var ready = new ReadyMessages(new ReadyTally());
        EnqueueRange(ready, 0, 40);

        Assert.That(DrainSequences(ready), Is.EqualTo(Enumerable.Range(0, 40).Select(i => (long)i)));
        Assert.That(ready.TryDequeue(out _), Is.False);
    }

    [Test]
    public void A_large_ring_is_given_back_when_it_empties_and_a_small_one_is_kept()
    {
        var ready = new ReadyMessages(new ReadyTally());
        EnqueueRange(ready, 0, 100_000);
        Assert.That(ready.Capacity, Is.GreaterThanOrEqualTo(100_000));

        Dequeue(ready, 99_999);
        Assert.That(ready.Capacity, Is.GreaterThanOrEqualTo(100_000), "kept while it holds anything");
        Dequeue(ready, 1);
        Assert.That(ready.Capacity, Is.EqualTo(16), "a drained backlog keeps no large array");

        EnqueueRange(ready, 0, 1_000);
        var small = ready.Capacity;
        Dequeue(ready, 1_000);
        Assert.That(ready.Capacity, Is.EqualTo(small), "a small ring is kept for the next burst");
    }

    [Test]
    public void Requeued_entries_return_to_their_sequence_position_whatever_the_requeue_order()
    {
        var ready = new ReadyMessages(new ReadyTally());
        EnqueueRange(ready, 0, 10);
        var taken = Dequeue(ready, 6);

        foreach (var index in new[] { 4, 1, 5, 0, 3, 2 })
        {
            ready.Requeue(taken[index]);
        }

        Assert.That(DrainSequences(ready), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i)));
    }

    [Test]
    public void Requeue_keeps_order_when_the_ring_has_wrapped_around()
    {
        var ready = new ReadyMessages(new ReadyTally());
        EnqueueRange(ready, 0, 16);          // fills the initial 16 slots
        var taken = Dequeue(ready, 12);      // head is now at slot 12
        EnqueueRange(ready, 16, 10);         // 16..25 wrap into slots 0..9
        Assert.That(ready.Count, Is.EqualTo(14));

        ready.Requeue(taken[11]);
        ready.Requeue(taken[3]);

        Assert.That(DrainSequences(ready), Is.EqualTo(new long[] { 3, 11 }.Concat(Enumerable.Range(12, 14).Select(i => (long)i))));
    }

    [Test]
    public void Requeue_keeps_order_when_it_makes_the_ring_grow()
    {
        var ready = new ReadyMessages(new ReadyTally());
        EnqueueRange(ready, 0, 16);
        var taken = Dequeue(ready, 12);
        EnqueueRange(ready, 16, 10);

        // 14 entries in 16 slots, wrapped: the third requeue forces a resize in the middle of the wrap.
        foreach (var index in new[] { 7, 0, 11, 5, 9, 2 })
        {
            ready.Requeue(taken[index]);
        }

        Assert.That(ready.Count, Is.EqualTo(20));
        Assert.That(DrainSequences(ready), Is.EqualTo(new long[] { 0, 2, 5, 7, 9, 11 }.Concat(Enumerable.Range(12, 14).Select(i => (long)i))));
    }

    [Test]
    public void Requeue_into_an_empty_ring_and_before_the_first_slot_works()
    {
        var ready = new ReadyMessages(new ReadyTally());
        EnqueueRange(ready, 0, 3);
        var taken = Dequeue(ready, 3);       // empty, head at slot 3

        ready.Requeue(taken[2]);
        ready.Requeue(taken[0]);
        ready.Requeue(taken[1]);

        Assert.That(DrainSequences(ready), Is.EqualTo(new long[] { 0, 1, 2 }));

        var fresh = new ReadyMessages(new ReadyTally());
        EnqueueRange(fresh, 10, 2);
        fresh.Requeue(new QueueEntry(Body, 5, true));  // head at slot 0: the requeue wraps backwards
        Assert.That(DrainSequences(fresh), Is.EqualTo(new long[] { 5, 10, 11 }));
    }

    [Test]
    public void Requeued_entries_keep_their_redelivered_flag()
    {
        var ready = new ReadyMessages(new ReadyTally());
        EnqueueRange(ready, 0, 3);
        var taken = Dequeue(ready, 1);

        ready.Requeue(taken[0].AsRedelivered());

        Assert.That(ready.TryDequeue(out var entry), Is.True);
        Assert.That((entry.Sequence, entry.Redelivered), Is.EqualTo((0L, true)));
        Assert.That(ready.TryDequeue(out entry), Is.True);
        Assert.That((entry.Sequence, entry.Redelivered), Is.EqualTo((1L, false)));
    }

    [Test]
    public void The_tally_follows_every_operation_and_clear_hands_out_every_entry()
    {
        var tally = new ReadyTally();
        var ready = new ReadyMessages(tally);
        EnqueueRange(ready, 0, 20);
        var size = Body.BodySize; // x-max-length-bytes counts bodies only, as RabbitMQ does
        Assert.That((tally.Count, tally.Bytes), Is.EqualTo((20, 20L * size)));

        var taken = Dequeue(ready, 5);
        Assert.That((tally.Count, tally.Bytes), Is.EqualTo((15, 15L * size)));

        ready.Requeue(taken[2]);
        Assert.That((tally.Count, tally.Bytes), Is.EqualTo((16, 16L * size)));

        var cleared = new List<long>();
        ready.Clear(e => cleared.Add(e.Sequence));
        Assert.That(cleared, Is.EqualTo(new long[] { 2 }.Concat(Enumerable.Range(5, 15).Select(i => (long)i))));
        Assert.That((ready.Count, tally.Count, tally.Bytes), Is.EqualTo((0, 0, 0L)));
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(42)]
    [TestCase(2024)]
    public void Random_mix_of_operations_matches_a_sorted_model(int seed)
    {
        var random = new Random(seed);
        var ready = new ReadyMessages(new ReadyTally());
        var model = new SortedSet<long>();
        var outside = new List<QueueEntry>();
        long next = 0;

        for (var step = 0; step < 5000; step++)
        {
            switch (random.Next(3))
            {
                case 0:
                    var entry = new QueueEntry(Body, next++, false);
                    ready.Enqueue(entry);
                    model.Add(entry.Sequence);
                    break;
                case 1 when ready.Count > 0:
                    Assert.That(ready.TryDequeue(out var taken), Is.True);
                    Assert.That(taken.Sequence, Is.EqualTo(model.Min), $"step {step}");
                    model.Remove(taken.Sequence);
                    outside.Add(taken);
                    break;
                case 2 when outside.Count > 0:
                    var index = random.Next(outside.Count);
                    ready.Requeue(outside[index]);
                    model.Add(outside[index].Sequence);
                    outside.RemoveAt(index);
                    break;
            }

            Assert.That(ready.Count, Is.EqualTo(model.Count));
        }

        Assert.That(DrainSequences(ready), Is.EqualTo(model));
    }

    private static void EnqueueRange(ReadyMessages ready, long first, int count)
    {
        for (var i = 0; i < count; i++)
        {
            ready.Enqueue(new QueueEntry(Body, first + i, false));
        }
    }

    private static List<QueueEntry> Dequeue(ReadyMessages ready, int count)
    {
        var taken = new List<QueueEntry>();
        for (var i = 0; i < count; i++)
        {
            Assert.That(ready.TryDequeue(out var entry), Is.True);
            taken.Add(entry);
        }

        return taken;
    }

    private static List<long> DrainSequences(ReadyMessages ready)
    {
        var sequences = new List<long>();
        while (ready.TryDequeue(out var entry))
        {
            sequences.Add(entry.Sequence);
        }

        return sequences;
    }
}
