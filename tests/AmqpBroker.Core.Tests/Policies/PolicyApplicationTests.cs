using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Policies;

/// <summary>
/// Policies on a virtual host: which one applies (highest priority, pattern, apply-to), how its settings
/// combine with queue arguments (RabbitMQ 3.10: the lower limit wins, the queue's own DLX and overflow win),
/// and that adding, changing or deleting a policy reaches existing queues and exchanges at once.
/// </summary>
[TestFixture]
public sealed class PolicyApplicationTests : TimedBrokerFixture
{
    [Test]
    public void Of_several_matching_policies_only_the_highest_priority_one_applies()
    {
        Put("low", ".*", PolicyApplyTo.All, 0, ("message-ttl", 1000L), ("max-length", 5L));
        Put("high", "^orders", PolicyApplyTo.Queues, 5, ("max-length", 2L));

        var orders = Declare("orders.eu");
        var other = Declare("audit");

        Assert.That(orders.PolicyName, Is.EqualTo("high"));
        Assert.That(orders.Arguments.MaxLength, Is.EqualTo(2));
        Assert.That(orders.Arguments.MessageTtl, Is.Null, "settings of a lower-priority policy are not merged in");
        Assert.That(other.PolicyName, Is.EqualTo("low"));
        Assert.That((other.Arguments.MaxLength, other.Arguments.MessageTtl), Is.EqualTo(((long?)5, (long?)1000)));
    }

    [Test]
    public void Equal_priorities_are_decided_by_name_so_the_choice_is_stable()
    {
        Put("b", ".*", PolicyApplyTo.All, 1, ("max-length", 2L));
        Put("a", ".*", PolicyApplyTo.All, 1, ("max-length", 1L));

        Assert.That(Declare("q").PolicyName, Is.EqualTo("a"));
    }

    [TestCase(PolicyApplyTo.Queues, true, false)]
    [TestCase(PolicyApplyTo.Exchanges, false, true)]
    [TestCase(PolicyApplyTo.All, true, true)]
    public void Apply_to_decides_whether_queues_exchanges_or_both_take_a_policy(PolicyApplyTo applyTo, bool queues, bool exchanges)
    {
        Put("p", "^thing$", applyTo, 0, ("max-length", 1L), ("alternate-exchange", "ae"));

        var queue = Declare("thing");
        var exchange = VirtualHost.DeclareExchange(TestData.ExchangeDefinition("thing", "fanout"), passive: false);

        Assert.That(queue.PolicyName is not null, Is.EqualTo(queues));
        Assert.That(exchange.PolicyName is not null, Is.EqualTo(exchanges));
        Assert.That(exchange.AlternateExchange is not null, Is.EqualTo(exchanges));
    }

    [Test]
    public void The_pattern_is_matched_unanchored()
    {
        Put("p", "ord", PolicyApplyTo.Queues, 0, ("max-length", 1L));

        Assert.That(Declare("big-orders-queue").PolicyName, Is.EqualTo("p"));
        Assert.That(Declare("ORDERS").PolicyName, Is.Null);
    }

    [Test]
    public void A_policy_added_later_applies_to_existing_queues_and_a_deleted_one_stops_applying()
    {
        var queue = Declare("q", ("x-max-length", 10));
        Assert.That(queue.PolicyName, Is.Null);

        Put("p", "^q$", PolicyApplyTo.Queues, 0, ("max-length", 3L), ("message-ttl", 500L));
        Assert.That(queue.PolicyName, Is.EqualTo("p"));
        Assert.That(queue.Policy!.Definition["message-ttl"], Is.EqualTo(500L));
        Assert.That((queue.Arguments.MaxLength, queue.Arguments.MessageTtl), Is.EqualTo(((long?)3, (long?)500)));

        Assert.That(VirtualHost.DeletePolicy("p"), Is.True);
        Assert.That(queue.PolicyName, Is.Null);
        Assert.That(queue.Arguments, Is.SameAs(queue.DeclaredArguments));
        Assert.That(queue.Arguments.MaxLength, Is.EqualTo(10));
        Assert.That(VirtualHost.DeletePolicy("p"), Is.False);
    }

    [Test]
    public void A_changed_policy_replaces_the_old_settings_and_a_deleted_one_hands_over_to_the_next_match()
    {
        Put("fallback", ".*", PolicyApplyTo.Queues, 0, ("max-length", 100L));
        Put("p", "^q$", PolicyApplyTo.Queues, 10, ("max-length", 3L));
        var queue = Declare("q");

        Put("p", "^q$", PolicyApplyTo.Queues, 10, ("max-length", 7L), ("expires", 60_000L));
        Assert.That((queue.Arguments.MaxLength, queue.Arguments.Expires), Is.EqualTo(((long?)7, (long?)60_000)));

        VirtualHost.DeletePolicy("p");
        Assert.That(queue.PolicyName, Is.EqualTo("fallback"));
        Assert.That((queue.Arguments.MaxLength, queue.Arguments.Expires), Is.EqualTo(((long?)100, (long?)null)));
        Assert.That(VirtualHost.Policies.Select(p => p.Name), Is.EqualTo(new[] { "fallback" }));
    }

    [Test]
    public void A_queue_declared_after_the_policy_gets_it_and_its_limit_holds()
    {
        Put("p", ".*", PolicyApplyTo.Queues, 0, ("max-length", 2L));

        var queue = Declare("q");
        Publish(queue, "a");
        Publish(queue, "b");
        Publish(queue, "c");

        var (session, target) = OpenSession();
        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "b", "c" }));
    }

    [TestCase("x-message-ttl", "message-ttl")]
    [TestCase("x-expires", "expires")]
    [TestCase("x-max-length", "max-length")]
    [TestCase("x-max-length-bytes", "max-length-bytes")]
    public void For_limits_the_lower_of_argument_and_policy_wins(string argument, string key)
    {
        Put("p", ".*", PolicyApplyTo.Queues, 0, (key, 300L));

        var lowerArgument = Declare("lower-argument", (argument, 200));
        var lowerPolicy = Declare("lower-policy", (argument, 400));
        var onlyPolicy = Declare("only-policy");

        Assert.That(Limit(lowerArgument, key), Is.EqualTo(200));
        Assert.That(Limit(lowerPolicy, key), Is.EqualTo(300));
        Assert.That(Limit(onlyPolicy, key), Is.EqualTo(300));
    }

    [Test]
    public void For_dead_lettering_and_overflow_the_queues_own_argument_wins_key_by_key()
    {
        Put("p", ".*", PolicyApplyTo.Queues, 0, ("dead-letter-exchange", "policy-dlx"), ("dead-letter-routing-key", "policy-key"), ("overflow", "reject-publish"));

        var withArguments = Declare("args", ("x-dead-letter-exchange", "arg-dlx"), ("x-overflow", "drop-head"));
        var without = Declare("none");

        Assert.That(withArguments.Arguments.DeadLetterExchange, Is.EqualTo("arg-dlx"));
        Assert.That(withArguments.Arguments.DeadLetterRoutingKey, Is.EqualTo("policy-key"), "a key the queue does not set comes from the policy");
        Assert.That(withArguments.Arguments.Overflow, Is.EqualTo(OverflowBehaviour.DropHead), "an explicit x-overflow drop-head wins too");
        Assert.That(without.Arguments.DeadLetterExchange, Is.EqualTo("policy-dlx"));
        Assert.That(without.Arguments.DeadLetterRoutingKey, Is.EqualTo("policy-key"));
        Assert.That(without.Arguments.Overflow, Is.EqualTo(OverflowBehaviour.RejectPublish));
    }

    [Test]
    public void A_lowered_length_limit_drops_the_oldest_messages_at_once_to_the_policys_dead_letter_exchange()
    {
        var deadLetters = Declare("dlq");
        VirtualHost.Bind("dlq", "amq.fanout", string.Empty, FieldTable.Empty, Connection);
        var queue = Declare("q");
        foreach (var body in new[] { "m0", "m1", "m2", "m3", "m4" })
        {
            Publish(queue, body);
        }

        Put("p", "^q$", PolicyApplyTo.Queues, 0, ("max-length", 2L), ("dead-letter-exchange", "amq.fanout"));

        var (session, target) = OpenSession();
        Assert.That(queue.ReadyCount, Is.EqualTo(2));
        Assert.That(Drain(deadLetters, session, target), Is.EqualTo(new[] { "m0", "m1", "m2" }));
        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "m3", "m4" }));
    }

    [Test]
    public void Under_reject_publish_a_lowered_limit_drops_nothing_and_refuses_new_messages()
    {
        var queue = Declare("q", ("x-overflow", "reject-publish"));
        Publish(queue, "a");
        Publish(queue, "b");

        Put("p", "^q$", PolicyApplyTo.Queues, 0, ("max-length", 1L));

        Assert.That(queue.ReadyCount, Is.EqualTo(2));
        Assert.That(Publish(queue, "c"), Is.False);
    }

    [Test]
    public void A_policy_message_ttl_expires_messages_published_after_it()
    {
        var queue = Declare("q");
        Put("p", "^q$", PolicyApplyTo.Queues, 0, ("message-ttl", 1000L));
        Publish(queue, "m");

        Advance(999);
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        Advance(1);
        Assert.That(queue.ReadyCount, Is.Zero);
    }

    [Test]
    public void A_policy_expires_deletes_an_unused_queue_counting_from_when_the_policy_arrived()
    {
        var queue = Declare("q");
        Advance(5000);

        Put("p", "^q$", PolicyApplyTo.Queues, 0, ("expires", 1000L));
        Advance(999);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));

        Advance(1);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
        Assert.That(queue.IsDeleted, Is.True);
    }

    [Test]
    public void An_alternate_exchange_from_a_policy_takes_unroutable_messages_unless_the_exchange_names_its_own()
    {
        var fromPolicy = Declare("from-policy");
        var fromArgument = Declare("from-argument");
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("policy-ae", "fanout"), passive: false);
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("argument-ae", "fanout"), passive: false);
        VirtualHost.Bind("from-policy", "policy-ae", string.Empty, FieldTable.Empty, Connection);
        VirtualHost.Bind("from-argument", "argument-ae", string.Empty, FieldTable.Empty, Connection);
        var plain = VirtualHost.DeclareExchange(TestData.ExchangeDefinition("plain", "direct"), passive: false);
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("own", "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "argument-ae" }), passive: false);

        Put("p", "^(plain|own)$", PolicyApplyTo.Exchanges, 0, ("alternate-exchange", "policy-ae"));
        Publish("plain", "nowhere", "to policy ae");
        Publish("own", "nowhere", "to argument ae");

        Assert.That(plain.PolicyName, Is.EqualTo("p"));
        Assert.That((fromPolicy.ReadyCount, fromArgument.ReadyCount), Is.EqualTo((1, 1)));

        VirtualHost.DeletePolicy("p");
        Publish("plain", "nowhere", "dropped");
        Assert.That(fromPolicy.ReadyCount, Is.EqualTo(1));
    }

    [Test]
    public void The_default_exchange_never_takes_a_policy()
    {
        Put("p", ".*", PolicyApplyTo.Exchanges, 0, ("alternate-exchange", "amq.fanout"));

        Assert.That(VirtualHost.DefaultExchange.PolicyName, Is.Null);
        Assert.That(VirtualHost.GetExchange("amq.direct").PolicyName, Is.EqualTo("p"), "the other predeclared exchanges do");
    }

    private static long? Limit(Queue queue, string key) => key switch
    {
        "message-ttl" => queue.Arguments.MessageTtl,
        "expires" => queue.Arguments.Expires,
        "max-length" => queue.Arguments.MaxLength,
        _ => queue.Arguments.MaxLengthBytes,
    };

    private void Put(string name, string pattern, PolicyApplyTo applyTo, int priority, params (string Key, object? Value)[] definition) =>
        VirtualHost.PutPolicy(PolicyValidator.Compile(new Policy("/", name, pattern, applyTo, priority, definition.ToDictionary(d => d.Key, d => d.Value))));
}
