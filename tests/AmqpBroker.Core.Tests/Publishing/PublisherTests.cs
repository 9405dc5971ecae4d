using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Tests.Publishing;

/// <summary>
/// The one publish pipeline: each outcome a caller answers from, and each refusal with RabbitMQ's code and
/// text; the message is let go of in every case.
/// </summary>
[TestFixture]
public sealed class PublisherTests
{
    private const long MaxMessageSize = 1024;

    private Broker _broker = null!;
    private VirtualHost _virtualHost = null!;
    private MessageCounters _counters = null!;

    [SetUp]
    public void CreateBroker()
    {
        _broker = new Broker(new BrokerSettings(), TimeProvider.System);
        _virtualHost = _broker.FindVirtualHost("/")!;
        _counters = new MessageCounters();
    }

    [TearDown]
    public void DisposeBroker() => _broker.Dispose();

    [Test]
    public void A_routed_publish_reaches_its_queue_and_is_counted_as_routed()
    {
        var queue = Declare("orders");
        var message = Message(routingKey: "orders");

        var outcome = Publisher().Publish(new PublishRequest(message, Mandatory: true));

        Assert.That((outcome.Queues, outcome.Routed, outcome.Rejected, outcome.NeedsSync, outcome.Returned), Is.EqualTo((1, true, false, false, (Message?)null)));
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        AssertCounted(MessageCounter.Routed);
    }

    [Test]
    public void An_unroutable_mandatory_publish_is_handed_back_for_basic_return()
    {
        var message = Message(routingKey: "nowhere", body: "back to you");

        var outcome = Publisher().Publish(new PublishRequest(message, Mandatory: true));

        Assert.That(outcome.Routed, Is.False);
        Assert.That(outcome.Returned, Is.SameAs(message));
        Assert.That(outcome.Returned!.Body.ToArray(), Is.EqualTo("back to you"u8.ToArray()), "the caller holds a live reference");
        outcome.Returned.Release();
        Assert.That(TestData.IsReleased(message), Is.True, "the caller's release was the last one");
        AssertCounted(MessageCounter.ReturnUnroutable);
    }

    [Test]
    public void An_unroutable_publish_without_mandatory_is_dropped()
    {
        var message = Message(routingKey: "nowhere");

        var outcome = Publisher().Publish(new PublishRequest(message));

        Assert.That((outcome.Routed, outcome.Returned), Is.EqualTo((false, (Message?)null)));
        Assert.That(TestData.IsReleased(message), Is.True);
        AssertCounted(MessageCounter.DropUnroutable);
    }

    [Test]
    public void A_queue_that_rejects_publishes_when_full_makes_the_outcome_rejected()
    {
        var queue = Declare("full", arguments: new Dictionary<string, object?> { ["x-max-length"] = 0, ["x-overflow"] = "reject-publish" });

        var outcome = Publisher().Publish(new PublishRequest(Message(routingKey: "full")));

        Assert.That((outcome.Routed, outcome.Rejected), Is.EqualTo((true, true)), "routed, but a queue refused it: the confirm is a nack");
        Assert.That(queue.ReadyCount, Is.Zero);
    }

    [TestCase(true, true, true)]
    [TestCase(true, false, false)]
    [TestCase(false, true, false)]
    [TestCase(false, false, false)]
    public void Only_a_persistent_message_that_reached_a_durable_queue_needs_a_sync(bool persistent, bool durableQueue, bool needsSync)
    {
        Declare("target", durable: durableQueue);
        var message = Message(routingKey: "target", properties: new BasicProperties { DeliveryMode = persistent ? (byte)2 : (byte)1 });

        var outcome = Publisher().Publish(new PublishRequest(message));

        Assert.That((outcome.Routed, outcome.NeedsSync), Is.EqualTo((true, needsSync)));
    }

    [Test]
    public void A_reply_to_of_the_direct_reply_pseudo_queue_becomes_the_publishers_own_address()
    {
        var queue = Declare("requests");
        var message = Message(routingKey: "requests", properties: new BasicProperties { ReplyTo = "amq.rabbitmq.reply-to" });

        Publisher().Publish(new PublishRequest(message, DirectReplyAddress: "amq.rabbitmq.reply-to.ABC"));

        Assert.That(queue.TryTake(out var entry, out _), Is.True);
        Assert.That(BasicProperties.Decode(entry.Message.Properties).ReplyTo, Is.EqualTo("amq.rabbitmq.reply-to.ABC"));
    }

    [Test]
    public void A_reply_to_a_direct_reply_address_goes_to_that_consumer()
    {
        var target = new RecordingTarget();
        var session = new Session(TestData.Connection(), 1, target);
        var address = _broker.DirectReplies.Register(session, "replies");

        var outcome = Publisher().Publish(new PublishRequest(Message(routingKey: address, body: "answer")));

        Assert.That(outcome.Queues, Is.EqualTo(1));
        Assert.That(target.Bodies, Is.EqualTo(new[] { "answer" }));
    }

    private static IEnumerable<TestCaseData> Refusals()
    {
        yield return Refusal("no write permission", ReplyCode.AccessRefused, "ACCESS_REFUSED - write access to exchange 'amq.default' in vhost '/' refused for user 'limited'", user: "limited");
        yield return Refusal("an internal exchange", ReplyCode.AccessRefused, "ACCESS_REFUSED - cannot publish to internal exchange 'hidden' in vhost '/'", exchange: "hidden");
        yield return Refusal("another user's user_id", ReplyCode.PreconditionFailed, "PRECONDITION_FAILED - user_id property set to 'mallory' but authenticated user was 'guest'", properties: new BasicProperties { UserId = "mallory" });
        yield return Refusal("a bad expiration", ReplyCode.PreconditionFailed, "PRECONDITION_FAILED - invalid expiration '-5': {value_negative,-5}", properties: new BasicProperties { Expiration = "-5" });
        yield return Refusal("a missing exchange", ReplyCode.NotFound, "NOT_FOUND - no exchange 'missing' in vhost '/'", exchange: "missing");
        yield return Refusal("a body over the size limit", ReplyCode.PreconditionFailed, "PRECONDITION_FAILED - message size 1025 is larger than configured max size 1024", body: new string('x', 1025));
        yield return Refusal("a direct reply-to request without a reply consumer", ReplyCode.PreconditionFailed, "PRECONDITION_FAILED - fast reply consumer does not exist", properties: new BasicProperties { ReplyTo = "amq.rabbitmq.reply-to" });
    }

    [TestCaseSource(nameof(Refusals))]
    public void A_refused_publish_throws_its_reply_code_and_lets_go_of_the_message(string user, string exchange, BasicProperties properties, string body, ReplyCode code, string text)
    {
        _broker.PutUser(new User("limited", PasswordHasher.Hash("x"), []));
        _broker.SetPermission(new Permission("limited", "/", ".*", "", ".*"));
        _virtualHost.DeclareExchange(TestData.ExchangeDefinition("hidden", ExchangeTypes.Fanout, isInternal: true), passive: false, access: null);
        var queue = Declare("target");
        var message = Message(exchange, "target", body, properties);

        var error = Assert.Throws<AmqpException>(() => Publisher(user).Publish(new PublishRequest(message, Mandatory: true)));

        Assert.That((error!.Code, error.ReplyText), Is.EqualTo((code, text)));
        Assert.That(TestData.IsReleased(message), Is.True);
        Assert.That((queue.ReadyCount, _counters[MessageCounter.Publish]), Is.EqualTo((0, 0L)), "nothing enqueued or counted");
    }

    [Test]
    public void Check_applies_the_rules_without_routing_and_leaves_the_message_to_the_caller()
    {
        var queue = Declare("target");
        var message = Message(routingKey: "target");
        var publisher = Publisher();

        publisher.Check(message);
        Assert.Throws<AmqpException>(() => publisher.Check(Message(exchange: "missing")));

        Assert.That(TestData.IsReleased(message), Is.False);
        Assert.That(queue.ReadyCount, Is.Zero);
        message.Release();
    }

    [Test]
    public void The_broker_publishes_without_permission_or_user_id_checks_and_counts_nothing_per_channel()
    {
        var queue = Declare("aliveness");
        var message = Message(routingKey: "aliveness", properties: new BasicProperties { UserId = "anyone" });

        var outcome = Core.Publishing.Publisher.ForBroker(_virtualHost).Publish(new PublishRequest(message));

        Assert.That(outcome.Routed, Is.True);
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        Assert.That(queue.Counters[MessageCounter.Publish], Is.EqualTo(1), "the queue still counts what it received");
    }

    [Test]
    public void The_pipeline_itself_allocates_nothing_per_message()
    {
        var publisher = Publisher();
        var messages = Enumerable.Range(0, 2000).Select(_ => Message(exchange: "amq.direct", routingKey: "unbound")).ToArray();
        for (var i = 0; i < 1000; i++)
        {
            // The first rounds pay for JIT compilation and the caches' first fill.
            publisher.Publish(new PublishRequest(messages[i]));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1000; i < messages.Length; i++)
        {
            publisher.Publish(new PublishRequest(messages[i]));
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private Publisher Publisher(string user = "guest") =>
        new(_virtualHost, _broker.AccessFor(user, "/"), MaxMessageSize, _broker.DirectReplies, _counters);

    private Core.Queues.Queue Declare(string name, bool durable = false, IReadOnlyDictionary<string, object?>? arguments = null) =>
        _virtualHost.DeclareQueue(new Core.Queues.QueueDefinition(name, "/", durable, false, false, arguments ?? FieldTable.Empty), TestData.Connection(), passive: false);

    private static Message Message(string exchange = "", string routingKey = "rk", string body = "m", BasicProperties? properties = null) =>
        Core.Messages.Message.Create(exchange, routingKey, (properties ?? new BasicProperties()).Encode(), System.Text.Encoding.UTF8.GetBytes(body));

    private void AssertCounted(MessageCounter outcome)
    {
        Assert.That(_counters[MessageCounter.Publish], Is.EqualTo(1));
        Assert.That(_counters[outcome], Is.EqualTo(1));
    }

    private static TestCaseData Refusal(string name, ReplyCode code, string text, string user = "guest", string exchange = "", BasicProperties? properties = null, string body = "m") =>
        new TestCaseData(user, exchange, properties ?? new BasicProperties(), body, code, text).SetName($"Refused: {name}");
}
