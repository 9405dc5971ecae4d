using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// Exclusive ownership: on its own (the owning connection, and the exclusivity a redeclare must repeat), and where
/// queue.bind and queue.unbind check it among RabbitMQ's other checks. Once the permissions passed, both ends must exist
/// (404; rabbit_db_binding:create at v4.3.5, rabbit_binding:call_with_source_and_destination at v3.10.8), then the source
/// type validates the binding (406) before the queue's exclusivity is checked (405; rabbit_binding:binding_checks at
/// v4.3.5, rabbit_binding:add/3 at v3.10.8); an unbind checks exclusivity only for a binding that exists
/// (rabbit_db_binding:delete at v4.3.5, rabbit_binding:remove/3 at v3.10.8). Checked against RabbitMQ 3.10.8.
/// </summary>
[TestFixture]
public sealed class QueueOwnershipTests
{
    private readonly ClientConnection _owner = TestData.Connection("owner");
    private readonly ClientConnection _other = TestData.Connection("other");

    [Test]
    public void An_exclusive_queue_is_locked_to_its_connection_and_to_its_exclusivity()
    {
        var owner = TestData.Connection("owner");
        var other = TestData.Connection("other");
        var exclusive = new QueueOwnership(TestData.QueueDefinition("q", exclusive: true), owner);
        var shared = new QueueOwnership(TestData.QueueDefinition("s"), null);

        using (Assert.EnterMultipleScope())
        {
            Assert.DoesNotThrow(() => exclusive.CheckAccess(owner));
            Assert.DoesNotThrow(() => shared.CheckAccess(other));
            Assert.That(Assert.Throws<AmqpException>(() => exclusive.CheckAccess(other))!.ReplyText, Does.StartWith(
                "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q' in vhost '/'."));
            Assert.Throws<AmqpException>(() => exclusive.CheckExclusivity(false));
            Assert.Throws<AmqpException>(() => shared.CheckExclusivity(true));
        }
    }

    /// <summary>
    /// A binding its exchange type refuses on that release is 406 to another connection's exclusive queue, not 405; one
    /// it takes (the same key on a release without the rule, or a valid x-match) is 405 there, and its owner may bind it.
    /// </summary>
    [TestCase("3.10", ExchangeTypes.Headers, "", "bogus", ReplyCode.PreconditionFailed)]
    [TestCase("3.10", ExchangeTypes.Headers, "", "any", ReplyCode.ResourceLocked)]
    [TestCase("4.2", ExchangeTypes.ConsistentHash, "10001", null, ReplyCode.PreconditionFailed)]
    [TestCase("3.10", ExchangeTypes.ConsistentHash, "10001", null, ReplyCode.ResourceLocked)]
    [TestCase("4.3", ExchangeTypes.Topic, "#.#.#", null, ReplyCode.PreconditionFailed)]
    [TestCase("4.2", ExchangeTypes.Topic, "#.#.#", null, ReplyCode.ResourceLocked)]
    public void The_type_validates_a_binding_before_the_exclusive_queue_is_checked(string release, string type, string key, string? match, ReplyCode expected)
    {
        var virtualHost = WithExclusiveQueue(release, type);
        var arguments = Match(match);

        var refused = Assert.Throws<AmqpException>(() => virtualHost.Bind("q", "x", key, arguments, _other));

        Assert.That(refused.Code, Is.EqualTo(expected));
        Assert.That(virtualHost.GetExchange("x").HasBindings, Is.False);
        if (expected == ReplyCode.ResourceLocked)
        {
            Assert.DoesNotThrow(() => virtualHost.Bind("q", "x", key, arguments, _owner), "its owner may bind it");
        }
    }

    /// <summary>The lookups come before the type's validation: a missing queue is 404 whatever the arguments.</summary>
    [Test]
    public void A_missing_queue_is_404_before_the_binding_is_validated()
    {
        var virtualHost = WithExclusiveQueue("3.10", ExchangeTypes.Headers);

        var refused = Assert.Throws<AmqpException>(() => virtualHost.Bind("missing", "x", string.Empty, Match("bogus"), _other));

        Assert.That(refused.ReplyText, Is.EqualTo("NOT_FOUND - no queue 'missing' in vhost '/'"));
    }

    [Test]
    public void Unbinding_what_is_not_bound_from_another_connections_exclusive_queue_succeeds()
    {
        var virtualHost = WithExclusiveQueue("3.10", ExchangeTypes.Direct);
        virtualHost.Bind("q", "x", "bound", FieldTable.Empty, _owner);

        Assert.DoesNotThrow(() => virtualHost.Unbind("q", "x", "never-bound", FieldTable.Empty, _other));
        var refused = Assert.Throws<AmqpException>(() => virtualHost.Unbind("q", "x", "bound", FieldTable.Empty, _other));

        Assert.That(refused.Code, Is.EqualTo(ReplyCode.ResourceLocked));
        Assert.That(virtualHost.GetExchange("x").HasBindings, Is.True, "the refused unbind left the binding");
    }

    /// <summary>An exchange "x" of <paramref name="type"/> and a queue "q" exclusive to the owner connection.</summary>
    private VirtualHost WithExclusiveQueue(string release, string type)
    {
        var virtualHost = new VirtualHost("/", TestData.Services(release));
        virtualHost.DeclareExchange(TestData.ExchangeDefinition("x", type), passive: false);
        virtualHost.DeclareQueue(_owner, "q", exclusive: true);
        return virtualHost;
    }

    private static Dictionary<string, object?> Match(string? match) =>
        match is null ? [] : new() { ["x-match"] = match };
}
