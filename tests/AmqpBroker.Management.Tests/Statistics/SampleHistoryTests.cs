using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Tests.Statistics;

public sealed class SampleHistoryTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch;

    [Test]
    public void Samples_come_newest_first_within_the_age_asked_for()
    {
        var history = Filled(12);
        var samples = history.Samples(v => v[0], TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5));
        Assert.That(samples.Select(s => s.Value), Is.EqualTo(new long[] { 11, 10, 9, 8, 7 }));
        Assert.That(samples[0].At, Is.EqualTo(Start + TimeSpan.FromSeconds(55)));
    }

    [Test]
    public void A_larger_increment_thins_the_samples()
    {
        var samples = Filled(12).Samples(v => v[0], TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(15));
        Assert.That(samples.Select(s => s.Value), Is.EqualTo(new long[] { 11, 8, 5, 2 }));
    }

    [Test]
    public void Samples_older_than_the_retention_are_dropped()
    {
        var count = (int)(SampleHistory.Retention.TotalSeconds / 5) + 20;
        var samples = Filled(count).Samples(v => v[0], TimeSpan.FromDays(1), TimeSpan.FromSeconds(5));
        Assert.That(samples[^1].At, Is.GreaterThanOrEqualTo(samples[0].At - SampleHistory.Retention));
        Assert.That(samples, Has.Count.EqualTo((int)(SampleHistory.Retention.TotalSeconds / 5) + 1));
    }

    /// <summary>One sample every 5 seconds from <see cref="Start"/>, whose value is its number.</summary>
    private static SampleHistory Filled(int count)
    {
        var history = new SampleHistory();
        for (var i = 0; i < count; i++)
        {
            history.Add(Start + TimeSpan.FromSeconds(5 * i), [i]);
        }

        return history;
    }
}
