using AmqpBroker.Core;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Tests.Statistics;

public sealed class RateSamplerTests
{
    [Test]
    public void A_rate_is_the_change_per_second_between_the_last_two_samples()
    {
        using var broker = new Broker(new BrokerSettings(), TimeProvider.System);
        using var sampler = new RateSampler(broker);
        var start = DateTimeOffset.UnixEpoch;

        Assert.That(sampler.Rate(broker, MessageCounter.Publish), Is.Zero, "no samples yet");
        sampler.Sample(start);
        Assert.That(sampler.Rate(broker, MessageCounter.Publish), Is.Zero, "one sample is no rate");

        broker.MessageTotals.Add(MessageCounter.Publish, 50);
        sampler.Sample(start + TimeSpan.FromSeconds(5));
        Assert.That(sampler.Rate(broker, MessageCounter.Publish), Is.EqualTo(10.0));

        sampler.Sample(start + TimeSpan.FromSeconds(10));
        Assert.That(sampler.Rate(broker, MessageCounter.Publish), Is.Zero, "nothing happened in the last interval");
    }

    [Test]
    public void Channel_counts_roll_up_into_the_broker_totals()
    {
        var totals = new MessageCounters();
        var channel = new MessageCounters(totals);
        channel.Increment(MessageCounter.Deliver);
        channel.Add(MessageCounter.Ack, 3);
        Assert.That((totals[MessageCounter.Deliver], totals[MessageCounter.Ack], channel[MessageCounter.Ack]), Is.EqualTo((1L, 3L, 3L)));
    }

    /// <summary>DELETE /api/reset (rabbit_mgmt_wm_reset): reported counts start again from 0, the broker's own keep counting.</summary>
    [Test]
    public void A_reset_reports_counts_from_zero_and_forgets_the_rates()
    {
        using var broker = new Broker(new BrokerSettings(), TimeProvider.System);
        using var sampler = new RateSampler(broker);
        var start = DateTimeOffset.UnixEpoch;
        broker.MessageTotals.Add(MessageCounter.Publish, 50);
        sampler.Sample(start);
        broker.MessageTotals.Add(MessageCounter.Publish, 50);
        sampler.Sample(start + TimeSpan.FromSeconds(5));

        sampler.Reset();
        Assert.That((sampler.Count(broker, broker.MessageTotals, MessageCounter.Publish), sampler.Rate(broker, MessageCounter.Publish)), Is.EqualTo((0L, 0.0)));
        Assert.That(broker.MessageTotals[MessageCounter.Publish], Is.EqualTo(100));

        broker.MessageTotals.Add(MessageCounter.Publish, 7);
        Assert.That(sampler.Count(broker, broker.MessageTotals, MessageCounter.Publish), Is.EqualTo(7));
    }
}
