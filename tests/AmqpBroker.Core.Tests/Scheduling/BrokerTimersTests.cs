using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Core.Tests.Scheduling;

/// <summary>
/// The broker's deadlines on a fake clock: a task runs when its deadline comes (inside Advance), tasks run in
/// order of their deadlines, a later deadline never postpones an earlier one, cancelled tasks never run, and
/// a task may schedule itself again from its own run.
/// </summary>
[TestFixture]
public sealed class BrokerTimersTests
{
    private FakeTimeProvider _time = null!;
    private BrokerTimers _timers = null!;

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [SetUp]
    public void CreateTimers()
    {
        _time = TestData.Clock();
        _timers = new BrokerTimers(_time);
    }

    [TearDown]
    public void DisposeTimers() => _timers.Dispose();

    [Test]
    public void A_task_runs_when_its_deadline_comes_and_not_before()
    {
        var runs = new List<long>();
        var task = _timers.Create(runs.Add);
        task.RunNoLaterThan(Now + 300);

        _time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.That(runs, Is.Empty);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(runs, Is.EqualTo(new[] { Now }));
    }

    [Test]
    public void Tasks_due_in_one_move_of_the_clock_run_in_order_of_their_deadlines()
    {
        var order = new List<string>();
        _timers.Create(_ => order.Add("late")).RunNoLaterThan(Now + 3000);
        _timers.Create(_ => order.Add("early")).RunNoLaterThan(Now + 1000);
        _timers.Create(_ => order.Add("middle")).RunNoLaterThan(Now + 2000);

        _time.Advance(TimeSpan.FromHours(1));

        Assert.That(order, Is.EqualTo(new[] { "early", "middle", "late" }));
    }

    [Test]
    public void A_later_deadline_keeps_the_earlier_one_and_an_earlier_one_replaces_it()
    {
        var runs = 0;
        var task = _timers.Create(_ => runs++);
        task.RunNoLaterThan(Now + 500);
        task.RunNoLaterThan(Now + 900);
        task.RunNoLaterThan(Now + 100);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.That(runs, Is.EqualTo(1), "moved earlier");

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(runs, Is.EqualTo(1), "one run per deadline reached; the superseded ones are skipped");
        Assert.That(_timers.Pending, Is.Zero);
    }

    [Test]
    public void A_cancelled_task_never_runs_and_cannot_be_scheduled_again()
    {
        var runs = 0;
        var task = _timers.Create(_ => runs++);
        task.RunNoLaterThan(Now + 100);

        task.Cancel();
        task.RunNoLaterThan(Now + 200);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(runs, Is.Zero);
    }

    [Test]
    public void A_task_scheduling_itself_from_its_run_runs_again_within_the_same_move()
    {
        var runs = new List<long>();
        TimerTask? task = null;
        task = _timers.Create(now =>
        {
            runs.Add(now);
            if (runs.Count < 3)
            {
                task!.RunNoLaterThan(now + 100);
            }
        });
        var start = Now;
        task.RunNoLaterThan(start + 100);

        _time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.That(runs, Has.Count.EqualTo(1), "each run sees the clock where Advance left it");
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.That(runs, Has.Count.EqualTo(2));
    }

    [Test]
    public void A_task_that_throws_is_logged_and_the_other_tasks_and_later_deadlines_still_run()
    {
        var loggers = new RecordingLoggers();
        using var timers = new BrokerTimers(_time, loggers.CreateLogger(SchedulingLog.Category));
        var order = new List<string>();
        timers.Create(_ => throw new IOException("injected")).RunNoLaterThan(Now + 100);
        timers.Create(_ => order.Add("after")).RunNoLaterThan(Now + 200);

        Assert.DoesNotThrow(() => _time.Advance(TimeSpan.FromSeconds(1)), "on the system clock this would end the process");
        Assert.That(order, Is.EqualTo(new[] { "after" }));
        var logged = loggers.Entries.Single();
        Assert.That((logged.Category, logged.Level, logged.EventName), Is.EqualTo((SchedulingLog.Category, LogLevel.Error, "TimedWorkFailed")));

        timers.Create(_ => order.Add("later")).RunNoLaterThan(Now + 100);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.That(order, Is.EqualTo(new[] { "after", "later" }), "the timer is armed again after the failure");
    }

    [Test]
    public void Many_cancelled_tasks_are_dropped_from_the_heap()
    {
        for (var i = 0; i < 1000; i++)
        {
            var task = _timers.Create(_ => { });
            task.RunNoLaterThan(Now + 3_600_000 + i);
            task.Cancel();
        }

        Assert.That(_timers.Pending, Is.Zero);
    }

    [Test]
    public void On_the_real_clock_a_task_runs_within_milliseconds_of_its_deadline()
    {
        using var timers = new BrokerTimers(TimeProvider.System);

        // Typically a few milliseconds late. A machine busy with other work can delay any one run by far more, so
        // the best of five must be within the bound: a sweep every 250 ms would miss it in every run.
        var best = long.MaxValue;
        for (var attempt = 0; attempt < 5 && best > 100; attempt++)
        {
            best = Math.Min(best, LatenessOfOneRun(timers));
        }

        Assert.That(best, Is.InRange(0, 100), "the 250 ms sweep this replaces was up to 250 ms late");
    }

    private static long LatenessOfOneRun(BrokerTimers timers)
    {
        using var ran = new ManualResetEventSlim();
        long ranAt = 0;
        var due = timers.NowMs + 50;
        timers.Create(now => { ranAt = now; ran.Set(); }).RunNoLaterThan(due);
        Assert.That(ran.Wait(TimeSpan.FromSeconds(10)), Is.True);
        return ranAt - due;
    }

    [Test]
    public void On_the_real_clock_a_deadline_beyond_the_longest_timer_wait_is_kept()
    {
        // x-expires may be any 64-bit count of milliseconds; a timer waits at most 0xFFFFFFFE ms.
        using var timers = new BrokerTimers(TimeProvider.System);
        var task = timers.Create(_ => { });

        Assert.DoesNotThrow(() => task.RunNoLaterThan(timers.NowMs + 4_294_967_296L));
        Assert.That(timers.Pending, Is.EqualTo(1));
    }
}
