using AmqpBroker.Server.Connections;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>The heartbeat rules alone, without a connection: each row is one tick after some time.</summary>
[TestFixture]
public sealed class HeartbeatMonitorTests
{
    private static IEnumerable<TestCaseData> Ticks()
    {
        yield return Row("heartbeats off never act", 0, 600, false, false, false, HeartbeatAction.None);
        yield return Row("before half the interval nothing is due", 4, 1.75, false, true, false, HeartbeatAction.None);
        yield return Row("half the interval without sending sends a heartbeat", 4, 2, false, true, false, HeartbeatAction.SendHeartbeat);
        yield return Row("anything sent since the last tick makes a heartbeat needless", 4, 3, true, true, false, HeartbeatAction.None);
        yield return Row("exactly two intervals of silence is still tolerated", 4, 8, false, false, false, HeartbeatAction.SendHeartbeat);
        yield return Row("more than two intervals of silence aborts", 4, 8.25, false, false, false, HeartbeatAction.Abort);
        yield return Row("a frame received since the last tick keeps the peer alive", 4, 8.25, false, true, false, HeartbeatAction.SendHeartbeat);
        yield return Row("sending does not keep a silent peer alive", 4, 8.25, true, false, false, HeartbeatAction.Abort);
        yield return Row("a blocked connection is not checked and gets no heartbeat", 4, 60, false, false, true, HeartbeatAction.None);
    }

    [TestCaseSource(nameof(Ticks))]
    public void One_tick(ushort seconds, double elapsedSeconds, bool sentSinceTick, bool receivedSinceTick, bool paused, int expected)
    {
        var time = new FakeTimeProvider();
        var monitor = new HeartbeatMonitor(time.GetUtcNow()) { Seconds = seconds };

        time.Advance(TimeSpan.FromSeconds(elapsedSeconds));
        if (receivedSinceTick)
        {
            monitor.OnFrameReceived();
        }

        Assert.That(monitor.Tick(time.GetUtcNow(), sentSinceTick, paused), Is.EqualTo((HeartbeatAction)expected));
    }

    [Test]
    public void A_heartbeat_sent_restarts_the_send_interval()
    {
        var time = new FakeTimeProvider();
        var monitor = new HeartbeatMonitor(time.GetUtcNow()) { Seconds = 4 };

        var actions = new List<HeartbeatAction>();
        for (var i = 0; i < 4; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            monitor.OnFrameReceived();
            actions.Add(monitor.Tick(time.GetUtcNow(), sentSinceTick: false, readingPaused: false));
        }

        Assert.That(actions, Is.EqualTo(new[] { HeartbeatAction.None, HeartbeatAction.SendHeartbeat, HeartbeatAction.None, HeartbeatAction.SendHeartbeat }));
    }

    [Test]
    public void Silence_is_counted_again_from_the_end_of_a_block()
    {
        var time = new FakeTimeProvider();
        var monitor = new HeartbeatMonitor(time.GetUtcNow()) { Seconds = 2 };
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(monitor.Tick(time.GetUtcNow(), false, readingPaused: true), Is.EqualTo(HeartbeatAction.None));

        time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(monitor.Tick(time.GetUtcNow(), true, readingPaused: false), Is.EqualTo(HeartbeatAction.None), "two intervals since the block ended");

        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.That(monitor.Tick(time.GetUtcNow(), true, readingPaused: false), Is.EqualTo(HeartbeatAction.Abort));
        Assert.That(monitor.AbortReason, Is.EqualTo("missed heartbeats from client, timeout: 2s"));
    }

    private static TestCaseData Row(string name, int seconds, double elapsed, bool sent, bool received, bool paused, HeartbeatAction expected) =>
        // The action travels as an int: the enum is internal and a public test method cannot take it.
        new TestCaseData((ushort)seconds, elapsed, sent, received, paused, (int)expected).SetName(name);
}
