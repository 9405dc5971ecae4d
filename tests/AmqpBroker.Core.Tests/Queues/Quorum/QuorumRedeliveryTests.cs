using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.Queues.Quorum;

/// <summary>
/// How a quorum queue counts returns and tells consumers, per release: 3.10 adds x-delivery-count 0 to a first
/// get (rabbit_fifo_client:dequeue at v3.10.8, checked), 3.13 only from 1 (add_delivery_count_header at v3.13.0);
/// 4.0 has a default limit of 20 and a negative one disables it (release-notes/4.0.1.md, breaking changes,
/// #11937); 4.3 counts only failed deliveries and adds x-acquired-count (release-notes/4.3.0.md, #13885).
/// </summary>
[TestFixture("3.10")]
[TestFixture("3.13")]
[TestFixture("4.0")]
[TestFixture("4.3")]
public sealed class QuorumRedeliveryTests(string release) : BrokerFixture
{
    private protected override VersionProfile Profile => VersionProfile.For(RabbitMqRelease.Parse(release));

    [Test]
    public void A_first_get_carries_a_count_of_0_only_in_3_10()
    {
        var queue = Declare("q");
        QuorumTestData.Enqueue(queue, "m");
        var (session, target) = OpenSession();

        session.Get(queue, noAck: false);

        Assert.That(Header(target.Gets[^1].Message, "x-delivery-count"), Is.EqualTo(release == "3.10" ? 0L : null));
    }

    [Test]
    public void Explicit_returns_count_except_in_4_3_which_counts_them_as_acquired()
    {
        var queue = Declare("q");
        QuorumTestData.Enqueue(queue, "m");
        var (session, target) = OpenSession();
        for (var i = 0; i < 2; i++)
        {
            session.Get(queue, noAck: false);
            session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);
        }

        session.Get(queue, noAck: false);

        var message = target.Gets[^1].Message;
        Assert.That(target.Gets[^1].Redelivered, Is.True);
        Assert.That(Header(message, "x-delivery-count"), Is.EqualTo(release == "4.3" ? null : 2L));
        Assert.That(Header(message, "x-acquired-count"), Is.EqualTo(release == "4.3" ? 2L : null));
    }

    [Test]
    public void A_closed_channel_counts_as_a_failed_delivery_in_every_release()
    {
        var queue = Declare("q", ("x-delivery-limit", 1));
        QuorumTestData.Enqueue(queue, "m");
        for (var i = 0; i < 2; i++)
        {
            var (session, _) = OpenSession();
            session.Get(queue, noAck: false);
            session.Close();
        }

        Assert.That(queue.ReadyCount, Is.Zero, "two failed deliveries are more than a limit of 1");
    }

    [Test]
    public void Explicit_returns_past_the_limit_drop_the_message_except_in_4_3()
    {
        var queue = Declare("q", ("x-delivery-limit", 1));
        QuorumTestData.Enqueue(queue, "m");
        var (session, target) = OpenSession();
        for (var i = 0; i < 3 && session.Get(queue, noAck: false); i++)
        {
            session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);
        }

        Assert.That(queue.ReadyCount, Is.EqualTo(release == "4.3" ? 1 : 0), "4.3: unlimited explicit returns");
    }

    [Test]
    public void Without_a_limit_4_0_and_later_drop_a_message_after_20_returns()
    {
        var queue = Declare("q");
        QuorumTestData.Enqueue(queue, "m");

        var deliveries = CountFailedDeliveries(queue, upTo: 25);

        Assert.That(deliveries, Is.EqualTo(release is "3.10" or "3.13" ? 25 : 21));
    }

    [Test]
    public void A_negative_limit_drops_at_the_first_return_in_3_x_and_disables_the_limit_from_4_0()
    {
        var queue = Declare("q", ("x-delivery-limit", -1));
        QuorumTestData.Enqueue(queue, "m");

        var deliveries = CountFailedDeliveries(queue, upTo: 25);

        Assert.That(deliveries, Is.EqualTo(release is "3.10" or "3.13" ? 1 : 25));
    }

    [Test]
    public void Argument_and_policy_combine_to_the_lower_limit_or_the_higher_when_one_disables_it()
    {
        VirtualHost.PutPolicy(PolicyValidator.Compile(new Policy("/", "p", "^q", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["delivery-limit"] = 5L })));
        var lower = Declare("q1", ("x-delivery-limit", 2));
        var disabled = Declare("q2", ("x-delivery-limit", -1));

        Assert.That(lower.Arguments.DeliveryLimit, Is.EqualTo(2));
        Assert.That(disabled.Arguments.DeliveryLimit, Is.EqualTo(release is "3.10" or "3.13" ? -1 : 5));
    }

    private static object? Header(Core.Messages.Message message, string name) =>
        BasicProperties.Decode(message.Properties).Headers?.GetValueOrDefault(name);

    private Queue Declare(string name, params (string Key, object? Value)[] arguments) =>
        QuorumTestData.Declare(VirtualHost, Connection, name, arguments);

    /// <summary>Takes the message on a new channel and closes it, up to <paramref name="upTo"/> times; how many deliveries there were.</summary>
    private int CountFailedDeliveries(Queue queue, int upTo)
    {
        var deliveries = 0;
        while (deliveries < upTo)
        {
            var (session, _) = OpenSession();
            if (!session.Get(queue, noAck: false))
            {
                break;
            }

            deliveries++;
            session.Close();
        }

        return deliveries;
    }
}
