using System.Text;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>What a durable queue writes to its message log, and how it refills from it.</summary>
[TestFixture]
public sealed class QueueLogTests
{
    private static readonly BasicProperties Persistent = new() { DeliveryMode = 2 };

    private RecordingStore _store = null!;
    private VirtualHost _virtualHost = null!;
    private ClientConnection _connection = null!;

    [SetUp]
    public void CreateVirtualHost()
    {
        _store = new RecordingStore();
        _virtualHost = new VirtualHost("/", TimeProvider.System, messages: _store);
        _connection = TestData.Connection();
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
    public void A_recovered_queue_delivers_in_log_order_with_the_delivered_ones_redelivered_and_numbers_on_from_the_last()
    {
        _store.Recovered["q"] = [Entry(4, "a", delivered: true), Entry(7, "b", delivered: false)];
        var stored = new StoredDefinitions([], [], [TestData.QueueDefinition("q", durable: true)], []);
        _virtualHost.Restore(stored);
        var queue = _virtualHost.FindQueue("q")!;
        var (session, target) = OpenSession();

        Publish("q", "c", Persistent);
        var got = new List<(string, bool)>();
        while (session.Get(queue, noAck: true))
        {
            got.Add((target.Gets[^1].Body, target.Gets[^1].Redelivered));
        }

        Assert.That(got, Is.EqualTo(new[] { ("a", true), ("b", false), ("c", false) }));
        Assert.That(_store.Records[0], Is.EqualTo("append q 8 c"), "new messages number on after the recovered ones");
    }

    [Test]
    public void Beyond_the_in_memory_limit_persistent_messages_are_read_back_from_the_log_when_delivered()
    {
        _store.InMemoryLimit = 2;
        var queue = Declare("q", durable: true);
        var (session, target) = OpenSession();
        for (var i = 1; i <= 4; i++)
        {
            Publish("q", $"m{i}", Persistent);
        }

        var bodies = new List<string>();
        while (session.Get(queue, noAck: true))
        {
            bodies.Add(target.Gets[^1].Body);
        }

        Assert.That(bodies, Is.EqualTo(new[] { "m1", "m2", "m3", "m4" }));
        Assert.That(_store.Records.Where(r => r.StartsWith("read", StringComparison.Ordinal)), Is.EqualTo(new[] { "read q 2", "read q 3" }));
    }

    [Test]
    public void A_paged_out_message_is_read_back_before_it_is_dead_lettered()
    {
        _store.InMemoryLimit = 0;
        var deadLetters = Declare("dlq", durable: false);
        Declare("q", durable: true, ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"), ("x-max-length", 1));
        Publish("q", "first", Persistent);
        Publish("q", "second", Persistent);
        var (session, target) = OpenSession();

        Assert.That(session.Get(deadLetters, noAck: true), Is.True);
        Assert.That(target.Gets[^1].Body, Is.EqualTo("first"));
        Assert.That(_store.Records, Does.Contain("read q 0"));
    }

    private static RecoveredEntry Entry(long id, string body, bool delivered) =>
        new(id, Message.Create(string.Empty, "q", Persistent.Encode(), Encoding.UTF8.GetBytes(body)), delivered);

    private Queue Declare(string name, bool durable, params (string Key, object? Value)[] arguments) =>
        _virtualHost.DeclareQueue(TestData.QueueDefinition(name, durable: durable, arguments: arguments.ToDictionary(a => a.Key, a => a.Value)), _connection, passive: false);

    private (Session Session, RecordingTarget Target) OpenSession()
    {
        var target = new RecordingTarget();
        return (new Session(_connection, 1, target), target);
    }

    private void Publish(string queue, string body, BasicProperties properties)
    {
        var message = Message.Create(string.Empty, queue, properties.Encode(), Encoding.UTF8.GetBytes(body));
        _virtualHost.Publish(_virtualHost.DefaultExchange, message, new RoutingScratch(), out _);
        message.Release();
    }

    /// <summary>Records what queues write, one line per record, across all queues in order.</summary>
    private sealed class RecordingStore : IMessageStore
    {
        private readonly Dictionary<(string Queue, long Id), byte[]> _bodies = [];

        public List<string> Records { get; } = [];

        public int InMemoryLimit { get; set; } = int.MaxValue;

        public Dictionary<string, IReadOnlyList<RecoveredEntry>> Recovered { get; } = [];

        public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered)
        {
            recovered = Recovered.GetValueOrDefault(queue) ?? [];
            return new Log(this, queue, InMemoryLimit);
        }

        public void DeleteQueue(string virtualHost, string queue) => Records.Add($"delete {queue}");

        public void WhenDurable(IDurabilityWaiter waiter, ulong token) => waiter.OnDurable(token);

        public void Dispose()
        {
        }

        private sealed class Log(RecordingStore store, string queue, int inMemoryLimit) : IQueueLog
        {
            public int InMemoryLimit => inMemoryLimit;

            public void Append(long id, Message message)
            {
                store.Records.Add($"append {queue} {id} {Encoding.UTF8.GetString(message.Body)}");
                store._bodies[(queue, id)] = message.Body.ToArray();
            }

            public Message Read(long id)
            {
                store.Records.Add($"read {queue} {id}");
                return Message.Create(string.Empty, queue, Persistent.Encode(), store._bodies[(queue, id)]);
            }

            public void MarkDelivered(long id) => store.Records.Add($"delivered {queue} {id}");

            public void Settle(long id) => store.Records.Add($"settle {queue} {id}");

            public void Dispose()
            {
            }
        }
    }
}
