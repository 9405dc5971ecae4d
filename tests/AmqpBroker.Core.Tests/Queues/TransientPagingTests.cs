using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// Messages a queue's log does not keep (transient ones, every message of a non-durable queue) paged to the
/// queue's temporary file beyond its in-memory limit, in a lazy queue and under memory pressure, and every
/// queue feature working on them.
/// </summary>
[TestFixture]
public sealed partial class TransientPagingTests
{
    private static readonly BasicProperties Transient = new();

    private static readonly BasicProperties Persistent = new() { DeliveryMode = 2 };

    private PagingStore _store = null!;
    private RecordingLoggers _loggers = null!;
    private StoreBackedVirtualHost _host = null!;

    [SetUp]
    public void CreateVirtualHost()
    {
        _store = new PagingStore();
        _loggers = new RecordingLoggers();
        _host = new StoreBackedVirtualHost(_store, loggers: _loggers);
    }

    [TearDown]
    public void DisposeStore()
    {
        _store.Dispose();
        _loggers.Dispose();
    }

    [Test]
    public void Beyond_the_limit_messages_of_a_non_durable_queue_are_paged_and_come_back_in_order()
    {
        _store.InMemoryLimit = 3;
        var queue = Declare("q", durable: false);
        PublishAll("q", Transient, 10);

        var pages = _store.Pages["q"];
        Assert.That(pages.Held, Is.EqualTo(7), "the first three stay in memory, the other seven are paged");
        Assert.That(queue.ReadyCount, Is.EqualTo(10));
        Assert.That(queue.ReadyBytes, Is.EqualTo(10));

        Assert.That(GetAll(queue).Select(g => g.Body), Is.EqualTo(Bodies(10)));
        Assert.That(pages.Reads, Is.EqualTo(Bodies(10).Skip(3)));
        Assert.That(pages.Held, Is.Zero, "each message read back is released at once");
    }

    [Test]
    public void A_lazy_queue_pages_from_the_first_message_and_memory_pressure_pages_below_the_limit()
    {
        var lazy = Declare("lazy", durable: false, ("x-queue-mode", "lazy"));
        var plain = Declare("plain", durable: false);
        PublishAll("lazy", Transient, 3);
        PublishAll("plain", Transient, 2);
        Assert.That(_store.Pages["plain"].Appends, Is.Zero, "no pressure and far below the limit: in memory");

        _store.UnderMemoryPressure = true;
        PublishAll("plain", Transient, 2, first: 2);

        Assert.That(_store.Pages["lazy"].Appends, Is.EqualTo(3));
        Assert.That(_store.Pages["plain"].Appends, Is.EqualTo(2));
        Assert.That(GetAll(lazy).Select(g => g.Body), Is.EqualTo(Bodies(3)));
        Assert.That(GetAll(plain).Select(g => g.Body), Is.EqualTo(Bodies(4)));
    }

    [Test]
    public void Under_memory_pressure_the_backlog_in_memory_moves_to_the_file_behind_a_small_head_and_keeps_its_order()
    {
        _store.InMemoryLimit = 300;
        var plain = Declare("plain", durable: false);
        var durable = Declare("durable", durable: true);
        PublishAll("plain", Transient, 400);
        for (var i = 0; i < 400; i++)
        {
            Publish("durable", i.ToString(), i % 4 == 0 ? Persistent : Transient);
        }

        var pages = _store.Pages["plain"];
        Assert.That(pages.Held, Is.EqualTo(100), "beyond the limit");
        Assert.That(pages.PageOut!(), Is.EqualTo(Bodies(400).Skip(128).Take(172).Sum(b => b.Length + Transient.Encode().Length)), "the bytes of the 172 moved");
        Assert.That(pages.Held, Is.EqualTo(272), "all but the first 128");
        Assert.That(pages.PageOut(), Is.Zero, "nothing more to move");
        Assert.That(_store.Pages["durable"].PageOut!(), Is.GreaterThan(0));
        Assert.That(_store.Pages["durable"].Held, Is.EqualTo(75 + 172), "the transient ones beyond the limit, and all moved (persistent ones too: the log has them, but not in memory)");

        Assert.That(plain.ReadyCount, Is.EqualTo(400));
        Assert.That(GetAll(plain).Select(g => g.Body), Is.EqualTo(Bodies(400)));
        Assert.That(GetAll(durable).Select(g => g.Body), Is.EqualTo(Bodies(400)));
        Assert.That(pages.Held + _store.Pages["durable"].Held, Is.Zero);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Persistent_messages_paged_under_pressure_are_still_settled_in_the_log_when_they_expire_or_are_purged(bool expire)
    {
        _store.InMemoryLimit = 1000;
        var queue = Declare("q", durable: true, ("x-message-ttl", 1000));
        PublishAll("q", Persistent, 200);
        PublishAll("q", Transient, 100, first: 200);
        Publish("q", "late", Persistent);

        // Messages that arrived behind paged ones and wait in memory in the tail are paged too.
        var pages = _store.Pages["q"];
        pages.PageOut!();
        Publish("q", "later", Persistent);
        Assert.That(pages.PageOut!(), Is.GreaterThan(0));
        Assert.That(pages.Held, Is.EqualTo(301 - ReadyStore.KeptUnderPressure + 1));

        if (expire)
        {
            _host.Time.Advance(TimeSpan.FromMilliseconds(1000));
        }
        else
        {
            Assert.That(queue.Purge(), Is.EqualTo(302));
        }

        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(_store.Settled, Is.EquivalentTo(Enumerable.Range(0, 200).Append(300).Append(301).Select(id => $"q {id}")));
        Assert.That(pages.Held, Is.Zero);
        Assert.That(pages.Reads, Is.Empty, "released unread");
    }

    [Test]
    public void Persistent_and_transient_messages_of_a_durable_queue_keep_their_order_across_log_file_and_memory()
    {
        _store.InMemoryLimit = 2;
        var queue = Declare("q", durable: true);
        for (var i = 0; i < 8; i++)
        {
            Publish("q", i.ToString(), i % 2 == 0 ? Persistent : Transient);
        }

        // A failed temporary file keeps what it cannot take in memory, in its place.
        _store.Pages["q"].FailAppends = true;
        Publish("q", "8", Transient);
        Publish("q", "9", Persistent);
        Assert.That((queue.Footprint.Persistent, queue.Footprint.PagedOut), Is.EqualTo((5, 7)), "paged transient messages count as paged out, not as persistent");

        Assert.That(GetAll(queue).Select(g => g.Body), Is.EqualTo(Bodies(10)));
        Assert.That(_store.LogReads, Is.EqualTo(new[] { "q 2", "q 4", "q 6", "q 9" }));
        Assert.That(_store.Pages["q"].Reads, Is.EqualTo(new[] { "3", "5", "7" }));
        Assert.That((queue.Footprint.Persistent, queue.Footprint.PagedOut, queue.Footprint.PagedOutBytes), Is.EqualTo((0, 0, 0L)));
    }

    [Test]
    public void A_requeued_message_goes_back_to_the_head_ahead_of_paged_ones_and_priorities_order_the_levels()
    {
        _store.InMemoryLimit = 0;
        var queue = Declare("q", durable: false, ("x-max-priority", 2));
        Publish("q", "low-0", Transient);
        Publish("q", "high-0", new BasicProperties { Priority = 2 });
        Publish("q", "low-1", Transient);
        Publish("q", "high-1", new BasicProperties { Priority = 2 });
        var (session, target) = OpenSession();

        Assert.That(session.Get(queue, noAck: false), Is.True);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);

        Assert.That(GetAll(queue), Is.EqualTo(new[] { ("high-0", true), ("high-1", false), ("low-0", false), ("low-1", false) }));
        Assert.That(_store.Pages["q"].Appends, Is.EqualTo(4));
        Assert.That(_store.Pages["q"].Held, Is.Zero);
    }

    [Test]
    public void Purge_and_delete_release_paged_messages_without_reading_them_and_delete_the_file()
    {
        _store.InMemoryLimit = 1;
        var purged = Declare("purged", durable: false);
        var deleted = Declare("deleted", durable: false);
        PublishAll("purged", Transient, 5);
        PublishAll("deleted", Transient, 5);

        Assert.That(purged.Purge(), Is.EqualTo(5));
        _host.VirtualHost.DeleteQueue("deleted", ifUnused: false, ifEmpty: false, _host.Connection);

        Assert.That(_store.Pages["purged"].Held, Is.Zero);
        Assert.That(_store.Pages["purged"].Reads, Is.Empty);
        Assert.That(_store.Pages["deleted"].Reads, Is.Empty);
        Assert.That(_store.Pages["deleted"].Deleted, Is.True);
        Assert.That(deleted.ReadyCount, Is.Zero);
    }

    [Test]
    public void Expired_paged_messages_are_read_back_for_a_dead_letter_exchange_and_released_unread_without_one()
    {
        _store.InMemoryLimit = 0;
        var deadLetters = Declare("dlq", durable: false);
        Declare("dlx", durable: false, ("x-message-ttl", 1000), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"));
        Declare("ttl", durable: false, ("x-message-ttl", 1000));
        PublishAll("dlx", Transient, 3);
        PublishAll("ttl", Transient, 3);

        _host.Time.Advance(TimeSpan.FromMilliseconds(1000));

        Assert.That(GetAll(deadLetters).Select(g => g.Body), Is.EqualTo(Bodies(3)));
        Assert.That(_store.Pages["dlx"].Reads, Is.EqualTo(Bodies(3)));
        Assert.That(_store.Pages["ttl"].Reads, Is.Empty);
        Assert.That(_store.Pages["ttl"].Held, Is.Zero);
    }

    [Test]
    public void Drop_head_over_the_length_limit_dead_letters_paged_heads_with_their_bodies()
    {
        var deadLetters = Declare("dlq", durable: false);
        var queue = Declare("q", durable: false, ("x-queue-mode", "lazy"), ("x-max-length", 2), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"));
        PublishAll("q", Transient, 5);

        Assert.That(GetAll(deadLetters).Select(g => g.Body), Is.EqualTo(Bodies(3)));
        Assert.That(GetAll(queue).Select(g => g.Body), Is.EqualTo(new[] { "3", "4" }));
        Assert.That(_store.Pages["q"].Held, Is.Zero);
    }

    [Test]
    public void A_ready_entry_takes_32_bytes_in_memory_and_a_paged_one_20()
    {
        Assert.That(System.Runtime.CompilerServices.Unsafe.SizeOf<QueueEntry>(), Is.EqualTo(32));
        Assert.That(System.Runtime.CompilerServices.Unsafe.SizeOf<TailEntry>(), Is.EqualTo(20));

        var entry = new QueueEntry(Message.Create(string.Empty, "q", Transient.Encode(), []), 1, Redelivered: true, DeliveryCount: int.MaxValue, FailedDeliveries: 3);
        Assert.That((entry.Redelivered, entry.DeliveryCount, entry.FailedDeliveries), Is.EqualTo((true, int.MaxValue, 3)));
        var returned = (entry with { DeliveryCount = 0 }).AsRedelivered(failed: true);
        Assert.That((returned.Redelivered, returned.DeliveryCount, returned.FailedDeliveries), Is.EqualTo((true, 1, 4)));
        Assert.That((entry with { Redelivered = false }).DeliveryCount, Is.EqualTo(int.MaxValue));
        entry.Message.Release();
    }

    private static IEnumerable<string> Bodies(int count) => Enumerable.Range(0, count).Select(i => i.ToString());

    private List<(string Body, bool Redelivered)> GetAll(Queue queue) => _host.GetAll(queue);

    private Queue Declare(string name, bool durable, params (string Key, object? Value)[] arguments) => _host.Declare(name, durable, arguments);

    private (Session Session, RecordingTarget Target) OpenSession() => _host.OpenSession();

    private void PublishAll(string queue, BasicProperties properties, int count, int first = 0)
    {
        for (var i = first; i < first + count; i++)
        {
            Publish(queue, i.ToString(), properties);
        }
    }

    private void Publish(string queue, string body, BasicProperties properties) => _host.Publish(queue, body, properties);
}
