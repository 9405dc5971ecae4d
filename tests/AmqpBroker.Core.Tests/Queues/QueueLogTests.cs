using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using Microsoft.Extensions.Time.Testing;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>What a durable queue writes to its message log, and how it refills from it.</summary>
[TestFixture]
public sealed partial class QueueLogTests
{
    private static readonly BasicProperties Persistent = new() { DeliveryMode = 2 };

    private static readonly BasicProperties PersistentExpiring = new() { DeliveryMode = 2, Expiration = "1000" };

    private RecordingStore _store = null!;
    private StoreBackedVirtualHost _host = null!;
    private FakeTimeProvider _time = null!;
    private VirtualHost _virtualHost = null!;
    private ClientConnection _connection = null!;

    [SetUp]
    public void CreateVirtualHost()
    {
        _store = new RecordingStore();
        _host = new StoreBackedVirtualHost(_store);
        (_time, _virtualHost, _connection) = (_host.Time, _host.VirtualHost, _host.Connection);
    }

    [TearDown]
    public void DisposeStore() => _store.Dispose();

    [Test]
    public void Only_persistent_messages_in_durable_queues_are_logged()
    {
        Declare("durable", durable: true);
        Declare("transient", durable: false);

        Publish("durable", "persistent", Persistent);
        Publish("durable", "transient", new BasicProperties());
        Publish("transient", "persistent", Persistent);

        Assert.That(_store.Records, Is.EqualTo(new[] { "append durable 0 persistent" }));
    }

    [Test]
    public void A_delivery_that_must_be_acked_is_marked_once_and_settled_by_the_ack()
    {
        var queue = Declare("q", durable: true);
        var (session, target) = OpenSession();
        Publish("q", "m", Persistent);

        session.Get(queue, noAck: false);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);
        session.Get(queue, noAck: false);
        session.Ack(target.Gets[^1].DeliveryTag, multiple: false);

        Assert.That(_store.Records, Is.EqualTo(new[] { "append q 0 m", "delivered q 0", "settle q 0" }), "the redelivery needs no second mark");
    }

    [Test]
    public void A_message_handed_at_once_to_a_no_ack_consumer_never_touches_the_log()
    {
        var queue = Declare("q", durable: true);
        var (session, _) = OpenSession();
        var consumer = session.Consume(queue, "c", noAck: true, exclusive: false, Protocol.Encoding.FieldTable.Empty);
        Session.Activate(consumer);

        Publish("q", "m", Persistent);

        Assert.That(_store.Records, Is.Empty);
    }

    [Test]
    public void A_message_handed_at_once_to_a_consumer_that_acks_is_logged_as_delivered()
    {
        var queue = Declare("q", durable: true);
        var (session, target) = OpenSession();
        Session.Activate(session.Consume(queue, "c", noAck: false, exclusive: false, Protocol.Encoding.FieldTable.Empty));

        Publish("q", "m", Persistent);
        session.Ack(target.Deliveries[^1].DeliveryTag, multiple: false);

        Assert.That(_store.Records, Is.EqualTo(new[] { "append q 0 m", "delivered q 0", "settle q 0" }));
    }

    [Test]
    public void Messages_leaving_by_length_limit_purge_or_expiry_are_settled_and_refused_ones_never_logged()
    {
        Declare("drop-head", durable: true, ("x-max-length", 1));
        Declare("reject", durable: true, ("x-max-length", 1), ("x-overflow", "reject-publish"));
        Declare("purged", durable: true);

        Publish("drop-head", "old", Persistent);
        Publish("drop-head", "new", Persistent);
        Publish("reject", "kept", Persistent);
        Publish("reject", "refused", Persistent);
        Publish("purged", "p", Persistent);
        _virtualHost.FindQueue("purged")!.Purge();

        Assert.That(_store.Records, Is.EqualTo(new[]
        {
            "append drop-head 0 old", "append drop-head 1 new", "settle drop-head 0",
            "append reject 0 kept",
            "append purged 0 p", "settle purged 0",
        }));
    }

    [Test]
    public void Deleting_a_durable_queue_deletes_its_log()
    {
        Declare("q", durable: true);
        Publish("q", "m", Persistent);

        _virtualHost.DeleteQueue("q", ifUnused: false, ifEmpty: false, _connection);

        Assert.That(_store.Records[^1], Is.EqualTo("delete q"));
    }

    [Test]
    public void A_recovered_queue_delivers_in_log_order_with_the_delivered_ones_redelivered_and_numbers_on_from_the_log()
    {
        _store.NextId = 9;
        Recover("q", Entry(4, "a", delivered: true), Entry(7, "b", delivered: false));
        var queue = _virtualHost.FindQueue("q")!;

        Publish("q", "c", Persistent);

        Assert.That(GetAll(queue), Is.EqualTo(new[] { ("a", true), ("b", false), ("c", false) }));
        Assert.That(_store.Records.First(r => r.StartsWith("append", StringComparison.Ordinal)), Is.EqualTo("append q 9 c"),
            "new messages number on from the log's next id, above settled ones too");
    }

    [Test]
    public void A_recovered_message_expires_when_it_would_have_without_the_restart()
    {
        Recover("q", Entry(1, "expired", delivered: false, expiresAt: Now - 1), Entry(2, "live", delivered: false, expiresAt: Now + 1000));
        var queue = _virtualHost.FindQueue("q")!;

        // The first timer after start is due at once; a fake clock runs it on its next move.
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.That(GetAll(queue), Is.EqualTo(new[] { ("live", false) }));
        Assert.That(_store.Records, Does.Contain("settle q 1"));
    }

    [Test]
    public void Recovery_reads_back_only_what_fits_in_memory_and_leaves_the_rest_in_the_log()
    {
        _store.InMemoryLimit = 2;
        Recover("q", Entry(1, "m1", false), Entry(2, "m2", false), Entry(3, "m3", true), Entry(4, "m4", false));
        var queue = _virtualHost.FindQueue("q")!;

        Assert.That(Reads(), Is.EqualTo(new[] { "read q 1", "read q 2" }));
        Assert.That((queue.ReadyCount, queue.ReadyBytes), Is.EqualTo((4, 8L)), "paged messages count with their sizes");
        Assert.That(GetAll(queue), Is.EqualTo(new[] { ("m1", false), ("m2", false), ("m3", true), ("m4", false) }));
        Assert.That(Reads(), Is.EqualTo(new[] { "read q 1", "read q 2", "read q 3", "read q 4" }));
    }

    [Test]
    public void Beyond_the_in_memory_limit_persistent_messages_are_read_back_from_the_log_when_delivered()
    {
        _store.InMemoryLimit = 2;
        var queue = Declare("q", durable: true);
        for (var i = 1; i <= 4; i++)
        {
            Publish("q", $"m{i}", Persistent);
        }

        Assert.That((queue.ReadyCount, queue.ReadyBytes), Is.EqualTo((4, 8L)));
        Assert.That(Reads(), Is.Empty);
        Assert.That(GetAll(queue).Select(g => g.Body), Is.EqualTo(new[] { "m1", "m2", "m3", "m4" }));
        Assert.That(Reads(), Is.EqualTo(new[] { "read q 2", "read q 3" }));
    }

    [Test]
    public void A_lazy_queue_pages_persistent_messages_from_the_first()
    {
        var queue = Declare("q", durable: true, ("x-queue-mode", "lazy"));
        Publish("q", "p0", Persistent);
        Publish("q", "t1", new BasicProperties());
        Publish("q", "p2", Persistent);

        Assert.That(Reads(), Is.Empty);
        Assert.That(GetAll(queue).Select(g => g.Body), Is.EqualTo(new[] { "p0", "t1", "p2" }));
        Assert.That(Reads(), Is.EqualTo(new[] { "read q 0", "read q 2" }), "the limit (unlimited here) does not matter");
    }

    [Test]
    public void A_queue_mode_policy_makes_a_queue_lazy_unless_its_own_argument_says_otherwise()
    {
        _virtualHost.PutPolicy(PolicyValidator.Compile(new Policy("/", "lazy", "^q", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["queue-mode"] = "lazy" })));
        var byPolicy = Declare("q-policy", durable: true);
        var byArgument = Declare("q-default", durable: true, ("x-queue-mode", "default"));
        Publish("q-policy", "paged", Persistent);
        Publish("q-default", "kept", Persistent);

        GetAll(byPolicy);
        GetAll(byArgument);

        Assert.That(Reads(), Is.EqualTo(new[] { "read q-policy 0" }));
    }

    [Test]
    public void From_3_12_queue_mode_is_validated_but_no_queue_is_lazy()
    {
        // release-notes/3.12.0.md, highlights: classic queues v2 page by themselves, lazy mode no longer applies.
        _host = new StoreBackedVirtualHost(_store, "3.13");
        _virtualHost = _host.VirtualHost;
        _virtualHost.PutPolicy(PolicyValidator.Compile(new Policy("/", "lazy", "^q-policy", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["queue-mode"] = "lazy" })));
        var byArgument = Declare("q", durable: true, ("x-queue-mode", "lazy"));
        var byPolicy = Declare("q-policy", durable: true);
        Publish("q", "kept", Persistent);
        Publish("q-policy", "kept too", Persistent);

        GetAll(byArgument);
        GetAll(byPolicy);

        Assert.That(Reads(), Is.Empty);
        var bogus = Assert.Throws<Core.Errors.AmqpException>(() => Declare("q-bogus", durable: true, ("x-queue-mode", "bogus")));
        Assert.That(bogus.Message, Is.EqualTo("invalid arg 'x-queue-mode' for queue 'q-bogus' in vhost '/': \"unsupported queue mode 'bogus'\""));
    }

    [Test]
    public void Messages_that_cannot_be_paged_wait_in_order_behind_paged_ones()
    {
        _store.InMemoryLimit = 1;
        var queue = Declare("q", durable: true);
        Publish("q", "kept", Persistent);
        Publish("q", "paged", Persistent);
        Publish("q", "transient", new BasicProperties());
        Publish("q", "paged too", Persistent);

        Assert.That(GetAll(queue).Select(g => g.Body), Is.EqualTo(new[] { "kept", "paged", "transient", "paged too" }));
        Assert.That(Reads(), Is.EqualTo(new[] { "read q 1", "read q 3" }));
    }

    [Test]
    public void A_paged_message_given_back_is_redelivered_before_the_rest()
    {
        _store.InMemoryLimit = 0;
        var queue = Declare("q", durable: true);
        Publish("q", "first", Persistent);
        Publish("q", "second", Persistent);
        var (session, target) = OpenSession();

        session.Get(queue, noAck: false);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);

        Assert.That(GetAll(queue), Is.EqualTo(new[] { ("first", true), ("second", false) }));
    }

    [Test]
    public void Paged_messages_keep_priority_order()
    {
        _store.InMemoryLimit = 1;
        var queue = Declare("q", durable: true, ("x-max-priority", 5));
        Publish("q", "low 1", new BasicProperties { DeliveryMode = 2, Priority = 1 });
        Publish("q", "low 2", new BasicProperties { DeliveryMode = 2, Priority = 1 });
        Publish("q", "high", new BasicProperties { DeliveryMode = 2, Priority = 5 });

        Assert.That(GetAll(queue).Select(g => g.Body), Is.EqualTo(new[] { "high", "low 1", "low 2" }));
    }

    [Test]
    public void Paged_messages_that_expire_or_are_purged_are_settled_without_being_read_back()
    {
        _store.InMemoryLimit = 0;
        Declare("own-ttl", durable: true);
        Declare("queue-ttl", durable: true, ("x-message-ttl", 1000));
        var purged = Declare("purged", durable: true);
        Publish("own-ttl", "e", PersistentExpiring);
        Publish("queue-ttl", "q", Persistent);
        Publish("purged", "p", Persistent);

        _time.Advance(TimeSpan.FromMilliseconds(1000));
        purged.Purge();

        Assert.That(_store.Records, Is.EquivalentTo(new[]
        {
            "append own-ttl 0 e", "append queue-ttl 0 q", "append purged 0 p",
            "settle own-ttl 0", "settle queue-ttl 0", "settle purged 0",
        }));
    }

    [Test]
    public void A_paged_out_message_is_read_back_before_it_is_dead_lettered()
    {
        _store.InMemoryLimit = 0;
        var deadLetters = Declare("dlq", durable: false);
        Declare("q", durable: true, ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"));
        Publish("q", "expired", PersistentExpiring);

        _time.Advance(TimeSpan.FromMilliseconds(1000));

        Assert.That(GetAll(deadLetters).Select(g => g.Body), Is.EqualTo(new[] { "expired" }));
        Assert.That(_store.Records, Is.EqualTo(new[] { "append q 0 expired", "read q 0", "settle q 0" }));
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static (long Id, string Body, bool Delivered, long ExpiresAt) Entry(long id, string body, bool delivered, long expiresAt = QueueEntry.Never) =>
        (id, body, delivered, expiresAt);

    /// <summary>Starts <paramref name="queue"/> from a log holding <paramref name="messages"/>.</summary>
    private void Recover(string queue, params (long Id, string Body, bool Delivered, long ExpiresAt)[] messages)
    {
        _store.Recovered[queue] = [.. messages.Select(m => _store.Stored(queue, m.Id, m.Body, m.Delivered, m.ExpiresAt))];
        _virtualHost.Restore(new StoredDefinitions([], [], [TestData.QueueDefinition(queue, durable: true)], []));
    }

    private IEnumerable<string> Reads() => _store.Records.Where(r => r.StartsWith("read", StringComparison.Ordinal));

    private List<(string Body, bool Redelivered)> GetAll(Queue queue) => _host.GetAll(queue);

    private Queue Declare(string name, bool durable, params (string Key, object? Value)[] arguments) => _host.Declare(name, durable, arguments);

    private (Session Session, RecordingTarget Target) OpenSession() => _host.OpenSession();

    private void Publish(string queue, string body, BasicProperties properties) => _host.Publish(queue, body, properties);
}
