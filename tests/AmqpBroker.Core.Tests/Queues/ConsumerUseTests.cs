using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>Consumer capacity as a moving average of the time consumers could take messages, with a one-second half-life.</summary>
[TestFixture]
public sealed class ConsumerUseTests
{
    [Test]
    public void A_queue_whose_deliveries_always_succeed_is_at_full_capacity()
    {
        var use = new ConsumerUse();
        use.Become(active: true, nowMs: 0);

        Assert.That(use.Capacity(60_000), Is.EqualTo(1));
    }

    [Test]
    public void Time_blocked_halves_the_capacity_every_second_and_time_active_wins_it_back()
    {
        var use = new ConsumerUse();
        use.Become(active: false, nowMs: 1000);

        Assert.That(use.Capacity(2000), Is.EqualTo(0.5).Within(1e-9), "one half-life blocked");
        Assert.That(use.Capacity(3000), Is.EqualTo(0.25).Within(1e-9), "two half-lives blocked");

        use.Become(active: true, nowMs: 3000);
        Assert.That(use.Capacity(4000), Is.EqualTo(0.625).Within(1e-9), "half the way back to 1 in a half-life");
        Assert.That(use.IsActive, Is.True);
    }
}
