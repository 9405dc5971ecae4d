using AmqpBroker.Core.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Core.Alarms;

/// <summary>
/// Checks the memory watermark ten times a second (a flood must be stopped before it overshoots: at 300 MB/s a
/// quarter of a second let it go 20 % past a 300 MiB watermark; reading the resident size costs microseconds) and the disk
/// free limit once a second, on the broker's clock. A clock moved by a day fires every tick it skipped at one
/// instant; only the first of those checks anything (a test moving the clock must not pay for 345,600 checks).
/// </summary>
public sealed class ResourceMonitor : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private const int DiskEvery = 10;

    private readonly NodeResources _resources;
    private readonly ITimer _timer;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private long _lastTickTicks = long.MinValue;
    private int _ticks;

    /// <param name="resources">The alarms to check.</param>
    /// <param name="time">The broker's clock.</param>
    /// <param name="log">Where a check that throws is logged (<see cref="SchedulingLog"/>); nowhere when null.</param>
    public ResourceMonitor(NodeResources resources, TimeProvider time, ILogger? log = null)
    {
        _resources = resources;
        _time = time;
        _log = log ?? NullLogger.Instance;
        CheckNow();
        _timer = time.CreateTimer(_ => Tick(), null, Interval, Interval);
    }

    /// <summary>Checks both at once (at start, and for tests that move no clock).</summary>
    public void CheckNow()
    {
        _resources.Memory?.Check();
        _resources.Disk?.Check();
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>A check that throws is logged, and the timer checks again on its next tick.</summary>
    private void Tick()
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (Interlocked.Exchange(ref _lastTickTicks, now) == now)
        {
            return;
        }

        try
        {
            _resources.Memory?.Check();
            if (++_ticks % DiskEvery == 0)
            {
                _resources.Disk?.Check();
            }
        }
        catch (Exception ex)
        {
            SchedulingLog.TimedWorkFailed(_log, "the memory and disk alarm check", ex);
        }
    }
}
