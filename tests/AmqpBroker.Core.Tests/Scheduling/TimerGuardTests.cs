using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Tests.Scheduling;

/// <summary>
/// The periodic timers (the scheduler's tick, the resource check) on a fake clock: work that throws is logged
/// as TimedWorkFailed and the timer goes on. On the system clock the exception would end the process.
/// </summary>
[TestFixture]
public sealed class TimerGuardTests
{
    [Test]
    public void A_periodic_task_that_throws_is_logged_the_others_run_and_the_next_tick_comes()
    {
        var time = TestData.Clock();
        var loggers = new RecordingLoggers();
        using var scheduler = new BrokerScheduler(time, TimeSpan.FromMilliseconds(250), loggers.CreateLogger(SchedulingLog.Category));
        var ticks = 0;
        var failing = true;
        using var thrower = scheduler.Register(_ =>
        {
            if (failing)
            {
                throw new InvalidOperationException("injected");
            }
        });
        using var counter = scheduler.Register(_ => ticks++);

        Assert.DoesNotThrow(() => time.Advance(TimeSpan.FromMilliseconds(250)));
        Assert.That(ticks, Is.EqualTo(1), "the other task ran in the same tick");
        Assert.That(loggers.Entries.Single().EventName, Is.EqualTo("TimedWorkFailed"));

        failing = false;
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.That(ticks, Is.EqualTo(2), "the timer was armed for the next tick");
    }

    [Test]
    public void A_resource_check_that_throws_is_logged_and_checked_again_on_the_next_tick()
    {
        var time = TestData.Clock();
        var loggers = new RecordingLoggers();
        var (reads, failing) = (0, false);
        var alarms = new ResourceAlarms();
        var memory = new MemoryWatermark(alarms, limitBytes: 1000, () =>
        {
            reads++;
            return failing ? throw new IOException("injected") : 10;
        });
        var resources = new NodeResources(alarms, new FileDescriptors(1024, 0, alarms), memory);
        using var monitor = new ResourceMonitor(resources, time, loggers.CreateLogger(SchedulingLog.Category));

        failing = true;
        Assert.DoesNotThrow(() => time.Advance(TimeSpan.FromMilliseconds(100)));
        var logged = loggers.Entries.Single();
        Assert.That((logged.Level, logged.EventName), Is.EqualTo((LogLevel.Error, "TimedWorkFailed")));

        failing = false;
        var before = reads;
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.That(reads, Is.EqualTo(before + 1));
    }
}
