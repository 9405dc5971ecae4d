using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Queues.Quorum;

/// <summary>
/// x-overflow on a quorum queue, as rabbit_fifo at v3.10.8 runs it: reject-publish takes the enqueue that goes past
/// the limit, then refuses until the queue is back at 80% of it; reject-publish-dlx is run as drop-head.
/// </summary>
[TestFixture]
public sealed class QuorumOverflowTests : BrokerFixture
{
    private protected override VersionProfile Profile => VersionProfile.For(new RabbitMqRelease(3, 10));

    [Test]
    public void Reject_publish_refuses_once_past_the_limit_until_back_at_80_percent()
    {
        var queue = QuorumTestData.Declare(VirtualHost, Connection, "q", ("x-max-length", 2), ("x-overflow", "reject-publish"));
        var (session, _) = OpenSession();

        var accepted = new[] { "a", "b", "c", "d" }.Select(body => QuorumTestData.Enqueue(queue, body)).ToList();
        session.Get(queue, noAck: true);
        accepted.Add(QuorumTestData.Enqueue(queue, "e"));
        session.Get(queue, noAck: true);
        accepted.Add(QuorumTestData.Enqueue(queue, "f"));

        Assert.That(accepted, Is.EqualTo(new[] { true, true, true, false, false, true }));
        Assert.That(queue.ReadyCount, Is.EqualTo(2));
    }

    [Test]
    public void Reject_publish_dlx_runs_as_drop_head()
    {
        var queue = QuorumTestData.Declare(VirtualHost, Connection, "q", ("x-max-length", 1), ("x-overflow", "reject-publish-dlx"));

        var accepted = new[] { "a", "b" }.Select(body => QuorumTestData.Enqueue(queue, body)).ToList();

        Assert.That(accepted, Is.EqualTo(new[] { true, true }));
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
    }
}
