using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Tests.Profiles;

/// <summary>
/// Fixes of RabbitMQ's 4.2.x/4.3.x patch releases that the 4.2 (4.2.9) and 4.3 (4.3.5) profiles have and 3.10 lacks:
/// passive declares need a permission (release-notes/4.2.6.md #16085, 4.2.7.md #16272), bindings to direct reply-to
/// addresses are refused (4.2.6.md #15935), consistent-hash weights are capped (4.2.6.md #16118), and the consumer
/// timeout arguments are validated (4.3.2.md #16557).
/// </summary>
[TestFixture]
public sealed class PatchReleaseTests
{
    private static readonly IReadOnlyDictionary<string, object?> NoArguments = FieldTable.Empty;

    [TestCase("3.10", "", "", "", false, TestName = "3.10: a passive declare needs no permission")]
    [TestCase("4.2", "", "", "", true, TestName = "4.2: a passive declare without any permission on the name is refused")]
    [TestCase("4.2", "", "", "^q$", false, TestName = "4.2: read on the name will do")]
    [TestCase("4.3", "", "^q$", "", false, TestName = "4.3: write on the name will do")]
    [TestCase("4.3", "^q$", "", "", false, TestName = "4.3: configure on the name will do")]
    [TestCase("4.3", "^other$", "^other$", "^other$", true, TestName = "4.3: permissions on other names do not count")]
    public void A_passive_queue_declare_needs_any_permission_on_the_queue_from_4_2_7(string release, string configure, string write, string read, bool refused)
    {
        using var broker = BrokerWithUser(release, new Permission("alice", "/", configure, write, read));
        var virtualHost = broker.FindVirtualHost("/")!;
        virtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true), TestData.Connection(), passive: false);

        var error = Refusal(() => virtualHost.DeclareQueue(TestData.QueueDefinition("q"), TestData.Connection(), passive: true, access: broker.AccessFor("alice", "/")));

        Assert.That(
            (error?.Code, error?.Message),
            Is.EqualTo(refused ? (ReplyCode.AccessRefused, "configure access to queue 'q' in vhost '/' refused for user 'alice'") : ((ReplyCode?)null, (string?)null)));
    }

    [Test]
    public void A_passive_declare_of_a_direct_reply_to_address_stays_unchecked_and_404_when_absent()
    {
        using var broker = BrokerWithUser("4.2", new Permission("alice", "/", "", "", "^r-"));

        var error = Refusal(() => broker.FindVirtualHost("/")!.DeclareQueue(
            TestData.QueueDefinition("amq.rabbitmq.reply-to.gone"), TestData.Connection(), passive: true, access: broker.AccessFor("alice", "/")));

        // rabbit_channel at v4.2.9: the clause for names starting amq.rabbitmq.reply-to comes before the passive one.
        Assert.That((error?.Code, error?.Message), Is.EqualTo(((ReplyCode?)ReplyCode.NotFound, "no queue 'amq.rabbitmq.reply-to.gone' in vhost '/'")));
    }

    [TestCase("3.10", ReplyCode.NotFound, "no exchange 'missing' in vhost '/'")]
    [TestCase("4.2", ReplyCode.AccessRefused, "configure access to exchange 'missing' in vhost '/' refused for user 'alice'")]
    public void A_passive_exchange_declare_checks_the_permission_before_looking_the_exchange_up(string release, ReplyCode code, string text)
    {
        using var broker = BrokerWithUser(release, new Permission("alice", "/", "", "", "^r-"));
        var virtualHost = broker.FindVirtualHost("/")!;
        virtualHost.DeclareExchange(TestData.ExchangeDefinition("r-x", "fanout"), passive: false);

        var error = Assert.Throws<AmqpException>(() => virtualHost.DeclareExchange(TestData.ExchangeDefinition("missing", "fanout"), passive: true, broker.AccessFor("alice", "/")))!;

        Assert.That((error.Code, error.Message), Is.EqualTo((code, text)));
        Assert.DoesNotThrow(() => virtualHost.DeclareExchange(TestData.ExchangeDefinition("r-x", "fanout"), passive: true, broker.AccessFor("alice", "/")));
    }

    [TestCase("3.10", ReplyCode.NotFound, "no queue 'amq.rabbitmq.reply-to.abc' in vhost '/'")]
    [TestCase("4.2", ReplyCode.AccessRefused, "cannot bind or unbind to a volatile (direct reply-to) queue")]
    [TestCase("4.3", ReplyCode.AccessRefused, "cannot bind or unbind to a volatile (direct reply-to) queue")]
    public void A_binding_to_a_direct_reply_to_address_is_refused_from_4_2_6(string release, ReplyCode code, string text)
    {
        var virtualHost = new VirtualHost("/", TestData.Services(release));

        var error = Assert.Throws<AmqpException>(() => virtualHost.Bind("amq.rabbitmq.reply-to.abc", "amq.direct", "k", NoArguments, TestData.Connection()))!;

        Assert.That((error.Code, error.Message), Is.EqualTo((code, text)));
    }

    [TestCase("3.10", false)]
    [TestCase("4.2", true)]
    public void An_unbind_from_a_direct_reply_to_address_is_refused_from_4_2_6_and_the_bare_pseudo_queue_name_is_no_address(string release, bool refused)
    {
        var virtualHost = new VirtualHost("/", TestData.Services(release));

        var error = Refusal(() => virtualHost.Unbind("amq.rabbitmq.reply-to.abc", "amq.direct", "k", NoArguments, TestData.Connection()));

        Assert.That(error?.Code, Is.EqualTo(refused ? ReplyCode.AccessRefused : null));
        var bare = Assert.Throws<AmqpException>(() => virtualHost.Bind("amq.rabbitmq.reply-to", "amq.direct", "k", NoArguments, TestData.Connection()))!;
        Assert.That(bare.Message, Is.EqualTo("no queue 'amq.rabbitmq.reply-to' in vhost '/'"));
    }

    [TestCase("3.10", "10001", null)]
    [TestCase("4.2", "10000", null)]
    [TestCase("4.2", "10001", "The binding key must not exceed 10000")]
    [TestCase("4.3", "99999999999999999999", "The binding key must not exceed 10000")]
    [TestCase("3.10", "99999999999999999999", "The binding key must be an integer: <<\"99999999999999999999\">>")]
    public void A_consistent_hash_weight_above_10000_is_refused_from_4_2_6(string release, string weight, string? refusal)
    {
        var virtualHost = new VirtualHost("/", TestData.Services(release));
        virtualHost.DeclareExchange(TestData.ExchangeDefinition("hash", "x-consistent-hash"), passive: false);
        virtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true), TestData.Connection(), passive: false);

        var error = Refusal(() => virtualHost.Bind("q", "hash", weight, NoArguments, TestData.Connection()));

        Assert.That((error?.Code, error?.Message), Is.EqualTo((refusal is null ? (ReplyCode?)null : ReplyCode.PreconditionFailed, refusal)));
    }

    [TestCase("x-consumer-timeout", -1L, "{value_negative,-1}")]
    [TestCase("x-consumer-disconnected-timeout", -5L, "{value_negative,-5}")]
    [TestCase("x-consumer-timeout", "never", "\"expected integer, got longstr\"")]
    public void The_consumer_timeouts_of_a_quorum_queue_are_validated_from_4_3_2(string argument, object value, string error)
    {
        var arguments = new Dictionary<string, object?> { ["x-queue-type"] = "quorum", [argument] = value };
        var virtualHost = new VirtualHost("/", TestData.Services("4.3"));

        var refused = Assert.Throws<AmqpException>(() => virtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true, arguments: arguments), TestData.Connection(), passive: false))!;

        Assert.That(refused.Message, Is.EqualTo($"invalid arg '{argument}' for queue 'q' in vhost '/': {error}"));
        Assert.DoesNotThrow(() => new VirtualHost("/", TestData.Services("4.2")).DeclareQueue(
            TestData.QueueDefinition("q", durable: true, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-consumer-timeout"] = value }),
            TestData.Connection(),
            passive: false));
    }

    [TestCase(-1L, "{value_negative,-1}")]
    [TestCase("never", "\"expected integer, got longstr\"")]
    public void A_quorum_consumer_s_x_consumer_timeout_is_validated_from_4_3_2(object value, string error)
    {
        var virtualHost = new VirtualHost("/", TestData.Services("4.3"));
        var queue = virtualHost.DeclareQueue(
            TestData.QueueDefinition("q", durable: true, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }), TestData.Connection(), passive: false);

        var refused = Assert.Throws<AmqpException>(() => queue.CheckConsume(new(false, 10, 0, new Dictionary<string, object?> { ["x-consumer-timeout"] = value })))!;

        Assert.That((refused.Code, refused.Message), Is.EqualTo((ReplyCode.PreconditionFailed, $"invalid arg 'x-consumer-timeout' for queue 'q' in vhost '/': {error}")));
        Assert.DoesNotThrow(() => queue.CheckConsume(new(false, 10, 0, new Dictionary<string, object?> { ["x-consumer-timeout"] = 0L })));
    }

    [Test]
    public void From_4_3_2_a_classic_queue_refuses_x_consumer_timeout_which_only_quorum_queues_list()
    {
        var arguments = new Dictionary<string, object?> { ["x-consumer-timeout"] = 60_000L };
        var virtualHost = new VirtualHost("/", TestData.Services("4.3"));

        var refused = Assert.Throws<AmqpException>(() => virtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true, arguments: arguments), TestData.Connection(), passive: false))!;

        Assert.That(refused.Message, Is.EqualTo("invalid arg 'x-consumer-timeout' for queue 'q' in vhost '/' of queue type rabbit_classic_queue"));
        Assert.DoesNotThrow(() => new VirtualHost("/", TestData.Services("4.2")).DeclareQueue(TestData.QueueDefinition("q", durable: true, arguments: arguments), TestData.Connection(), passive: false));
    }

    /// <summary>What <paramref name="operation"/> was refused with, or null when it succeeded.</summary>
    private static AmqpException? Refusal(Action operation)
    {
        try
        {
            operation();
            return null;
        }
        catch (AmqpException e)
        {
            return e;
        }
    }

    private static Broker BrokerWithUser(string release, Permission permission)
    {
        var broker = new Broker(TestData.Settings(release), TimeProvider.System);
        broker.PutUser(new User("alice", PasswordHasher.Hash("pw"), []));
        broker.SetPermission(permission);
        return broker;
    }
}
