using AmqpBroker.Core.Alarms;

namespace AmqpBroker.Core.Tests.Alarms;

/// <summary>Memory given back after a large backlog: one full collection once what the queues hold falls far enough from its peak.</summary>
[TestFixture]
public sealed class MemoryReclaimerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_release_of_the_threshold_from_the_peak_collects_once()
    {
        var reclaimer = new DrivenReclaimer();

        reclaimer.Tick(MemoryReclaimer.ReleasedThreshold * 3);
        reclaimer.Tick(MemoryReclaimer.ReleasedThreshold * 2 + 1);
        Assert.That(reclaimer.Collections, Is.Zero, "less than the threshold released");

        reclaimer.Tick(MemoryReclaimer.ReleasedThreshold * 2);
        Assert.That(reclaimer.Collections, Is.EqualTo(1));

        // From the first peak this would be a second release of the threshold; from the collection it is not.
        reclaimer.Tick(MemoryReclaimer.ReleasedThreshold + 1);
        Assert.That(reclaimer.Collections, Is.EqualTo(1), "the peak starts again from the collection");
        reclaimer.Tick(1);
        Assert.That(reclaimer.Collections, Is.EqualTo(2), "a second release of the threshold");
    }

    [Test]
    public void A_drained_backlog_is_collected_once_the_queues_are_empty_even_below_the_threshold()
    {
        var reclaimer = new DrivenReclaimer();

        // Consumers drain 3/4 of the threshold per check: one collection on the way down leaves less than the
        // threshold, which is collected when the queues are empty.
        reclaimer.Tick(MemoryReclaimer.ReleasedThreshold * 2);
        reclaimer.Tick(MemoryReclaimer.ReleasedThreshold * 5 / 4);
        reclaimer.Tick(MemoryReclaimer.ReleasedThreshold / 2);
        Assert.That(reclaimer.Collections, Is.EqualTo(1));
        reclaimer.Tick(MemoryReclaimer.EmptyWeight + 1);
        Assert.That(reclaimer.Collections, Is.EqualTo(1), "not empty yet, and less than the threshold released");

        reclaimer.Tick(0);
        Assert.That(reclaimer.Collections, Is.EqualTo(2), "emptied");
        reclaimer.Tick(0);
        Assert.That(reclaimer.Collections, Is.EqualTo(2), "nothing more released");

        // A small backlog coming and going does not collect.
        reclaimer.Tick(MemoryReclaimer.EmptiedRelease - 1);
        reclaimer.Tick(0);
        Assert.That(reclaimer.Collections, Is.EqualTo(2));
    }

    [Test]
    public void It_looks_once_per_interval_and_a_growing_backlog_never_collects()
    {
        var weighed = 0;
        var collections = 0;
        var weights = new[] { 0L, MemoryReclaimer.ReleasedThreshold * 4, MemoryReclaimer.ReleasedThreshold * 8 };
        var reclaimer = new MemoryReclaimer(() => weights[Math.Min(weighed++, weights.Length - 1)], () => collections++);

        reclaimer.OnTick(Start);
        reclaimer.OnTick(Start + (MemoryReclaimer.CheckInterval / 2));
        Assert.That(weighed, Is.EqualTo(1), "the second tick came within the interval");

        reclaimer.OnTick(Start + MemoryReclaimer.CheckInterval);
        reclaimer.OnTick(Start + (MemoryReclaimer.CheckInterval * 2));
        Assert.That(weighed, Is.EqualTo(3));
        Assert.That(collections, Is.Zero);
    }

    [Test]
    public void A_queued_message_weighs_its_bytes_and_its_overhead() =>
        Assert.That(MemoryReclaimer.Weigh(messages: 10, bytes: 1_000), Is.EqualTo(1_000 + (10 * MemoryReclaimer.PerMessageOverhead)));

    /// <summary>A reclaimer whose queues weigh what the test says at each check, one check interval apart.</summary>
    private sealed class DrivenReclaimer
    {
        private readonly MemoryReclaimer _reclaimer;
        private long _queued;
        private DateTimeOffset _now = Start;

        public DrivenReclaimer() => _reclaimer = new MemoryReclaimer(() => _queued, () => Collections++);

        public int Collections { get; private set; }

        public void Tick(long weight)
        {
            _queued = weight;
            _reclaimer.OnTick(_now);
            _now += MemoryReclaimer.CheckInterval;
        }
    }
}
