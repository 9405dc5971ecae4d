using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues.Quorum;
using AmqpBroker.Core.Tests.TestSupport;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.Queues.Quorum;

/// <summary>
/// RabbitMQ 4.3's delayed retry of quorum queues (release-notes/4.3.0.md, Core Server, #13885): with
/// <c>x-delayed-retry-type</c> and <c>x-delayed-retry-min/max</c> a returned message waits
/// min(min × failed deliveries, max) before it is ready again (rabbit_fifo:should_delay0 and calculate_ready_at,
/// rabbit_quorum_queue:get_delayed_retry_config at v4.3.0). Earlier releases do not know the arguments.
/// </summary>
public sealed class DelayedRetryTests : TimedBrokerFixture
{
    private protected override VersionProfile Profile => VersionProfile.For(RabbitMqRelease.Parse("4.3"));

    [Test]
    public void A_requeued_message_waits_the_minimum_before_it_is_ready_again()
    {
        var queue = DeclareQuorum("q", "returned", min: 1000, max: 5000);
        Publish(queue, "m");
        var (session, target) = OpenSession();
        session.Get(queue, noAck: false);

        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);

        Assert.That((queue.ReadyCount, Delayed(queue)), Is.EqualTo((0, 1)));
        Advance(999);
        Assert.That(queue.ReadyCount, Is.Zero, "not before its time");
        Advance(1);
        Assert.That((queue.ReadyCount, Delayed(queue)), Is.EqualTo((1, 0)));
        Assert.That(Get(session, target, queue)!.Redelivered, Is.True);
    }

    [Test]
    public void A_consumer_gets_the_message_when_it_is_due()
    {
        var queue = DeclareQuorum("q", "all", min: 200, max: 200);
        Publish(queue, "m");
        var (session, target) = OpenSession();
        Consume(session, queue, "c");
        session.Reject(target.Deliveries[^1].DeliveryTag, multiple: false, requeue: true);

        Advance(199);
        Assert.That(target.Deliveries, Has.Count.EqualTo(1));
        Advance(1);

        Assert.That(target.Deliveries, Has.Count.EqualTo(2));
        Assert.That(target.Deliveries[^1].Redelivered, Is.True);
    }

    [Test]
    public void Failed_deliveries_wait_longer_each_time_up_to_the_maximum_and_plain_returns_do_not_wait()
    {
        var queue = DeclareQuorum("q", "failed", min: 100, max: 250);
        Publish(queue, "m");

        var waits = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var (session, _) = OpenSession();
            session.Get(queue, noAck: false);
            session.Close();
            waits.Add(MillisecondsUntilReady(queue));
        }

        var (requeuing, target) = OpenSession();
        requeuing.Get(queue, noAck: false);
        requeuing.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);

        Assert.That(waits, Is.EqualTo(new long[] { 100, 200, 250 }));
        Assert.That(queue.ReadyCount, Is.EqualTo(1), "type failed: an explicit requeue is ready at once");
    }

    [Test]
    public void Purge_takes_the_delayed_messages_too()
    {
        var queue = DeclareQuorum("q", "all", min: 1000, max: 1000);
        Publish(queue, "a");
        Publish(queue, "b");
        var (session, target) = OpenSession();
        session.Get(queue, noAck: false);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);

        Assert.That(queue.Purge(), Is.EqualTo(2));
        Advance(1000);
        Assert.That(queue.ReadyCount + Delayed(queue), Is.Zero);
    }

    [Test]
    public void Delayed_messages_count_against_the_length_limit()
    {
        var queue = DeclareQuorum("q", "all", min: 1000, max: 1000, ("x-max-length", 1), ("x-overflow", "reject-publish"));
        Publish(queue, "a");
        var (session, target) = OpenSession();
        session.Get(queue, noAck: false);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);

        Assert.That(Publish(queue, "b"), Is.True, "the first publish over the limit is taken (rabbit_fifo's reject-publish)");
        Assert.That(Publish(queue, "c"), Is.False);
    }

    [TestCase("all", null, null, TestName = "No minimum: disabled")]
    [TestCase("all", 0L, 100L, TestName = "A minimum of 0: disabled")]
    [TestCase("sometimes", 100L, 100L, TestName = "An unknown type: disabled")]
    [TestCase("disabled", 100L, 100L, TestName = "Type disabled")]
    public void Configurations_that_do_not_make_one_disable_it(string type, long? min, long? max)
    {
        var arguments = new Dictionary<string, object?> { [DelayedRetry.TypeArgument] = type };
        if (min is not null)
        {
            arguments[DelayedRetry.MinArgument] = min;
        }

        if (max is not null)
        {
            arguments[DelayedRetry.MaxArgument] = max;
        }

        Assert.That(DelayedRetry.From(arguments), Is.Null);
    }

    [Test]
    public void A_missing_or_non_positive_maximum_is_the_minimum_and_the_management_api_shows_it()
    {
        var withoutMax = DelayedRetry.From(new Dictionary<string, object?> { [DelayedRetry.TypeArgument] = "returned", [DelayedRetry.MinArgument] = 300 });
        var zeroMax = DelayedRetry.From(new Dictionary<string, object?> { [DelayedRetry.TypeArgument] = "all", [DelayedRetry.MinArgument] = 1000, [DelayedRetry.MaxArgument] = 0 });

        Assert.That(withoutMax, Is.EqualTo(new DelayedRetry(DelayedRetryType.Returned, 300, 300)));
        Assert.That(zeroMax!.ToString(), Is.EqualTo("all (min: 1000ms, max: 1000ms)"));
    }

    private Queue DeclareQuorum(string name, string type, long min, long max, params (string Key, object? Value)[] more) =>
        QuorumTestData.Declare(VirtualHost, Connection, name, [
            (DelayedRetry.TypeArgument, type), (DelayedRetry.MinArgument, min), (DelayedRetry.MaxArgument, max), .. more]);

    private static int Delayed(Queue queue) => ((QuorumQueue)queue).DelayedCount;

    /// <summary>Moves the clock a millisecond at a time until the delayed message is ready; how long that took.</summary>
    private long MillisecondsUntilReady(Queue queue)
    {
        var waited = 0L;
        while (queue.ReadyCount == 0 && waited < 10_000)
        {
            Advance(1);
            waited++;
        }

        return waited;
    }
}

/// <summary>Before 4.3 the delayed retry arguments mean nothing: a requeue is ready at once.</summary>
public sealed class DelayedRetryBefore43Tests : TimedBrokerFixture
{
    private protected override VersionProfile Profile => VersionProfile.For(RabbitMqRelease.Parse("4.2"));

    [Test]
    public void The_arguments_are_ignored()
    {
        var queue = QuorumTestData.Declare(VirtualHost, Connection, "q", (DelayedRetry.TypeArgument, "all"), (DelayedRetry.MinArgument, 1000));
        Publish(queue, "m");
        var (session, target) = OpenSession();
        session.Get(queue, noAck: false);

        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);

        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        Assert.That(queue.Arguments.DelayedRetry, Is.Null);
    }
}
