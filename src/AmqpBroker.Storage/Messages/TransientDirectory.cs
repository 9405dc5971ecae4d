using System.Collections.Concurrent;
using System.Globalization;
using AmqpBroker.Core.Alarms;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// Where the queues of a store page the messages their logs do not keep: <c>DATA_DIR/transient/</c>, emptied
/// at start (nothing in it outlives its process) and at shutdown. Each queue's files are named by a number
/// the directory hands out, not by the queue's name, since a name may be declared again while the old queue's
/// files are still going. While the memory alarm is raised, it has every queue page what it holds in memory,
/// and gives the memory that frees back to the system at once, so that the alarm can clear.
/// </summary>
internal sealed class TransientDirectory : IDisposable
{
    /// <summary>How often the memory alarm is looked at for paging queues out.</summary>
    public static readonly TimeSpan PressureInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Bytes paged out in one round above which a full collection gives the memory back.</summary>
    private const long CollectAfter = 64L * 1024 * 1024;

    private readonly string _root;
    private readonly ConcurrentDictionary<TransientPages, Func<long>> _pageOuts = new();
    private readonly Timer _pressureTimer;
    private readonly Lock _paging = new();
    private long _lastQueue;

    public TransientDirectory(string dataDirectory, LogEnvironment environment, MemoryPressure pressure, int inMemoryLimit)
    {
        _root = Path.Combine(dataDirectory, "transient");
        Environment = environment;
        Pressure = pressure;
        InMemoryLimit = inMemoryLimit;
        Empty();
        Directory.CreateDirectory(_root);
        _pressureTimer = new Timer(_ => PageOutUnderPressure(), null, PressureInterval, PressureInterval);
    }

    public LogEnvironment Environment { get; }

    public MemoryPressure Pressure { get; }

    public int InMemoryLimit { get; }

    public TransientPages Open(string virtualHost, string queue) => new(this, Interlocked.Increment(ref _lastQueue), virtualHost, queue);

    public string SegmentPath(long queueNumber, long segmentNumber) =>
        Path.Combine(_root, string.Create(CultureInfo.InvariantCulture, $"{queueNumber}-{segmentNumber}.tmp"));

    /// <summary>Calls <paramref name="pageOut"/> of <paramref name="pages"/>'s queue while the memory alarm is raised.</summary>
    public void WhenPressed(TransientPages pages, Func<long> pageOut) => _pageOuts[pages] = pageOut;

    public void Forget(TransientPages pages) => _pageOuts.TryRemove(pages, out _);

    /// <summary>While the memory alarm is raised, every queue pages what it holds in memory; a large release is collected at once.</summary>
    public void PageOutUnderPressure()
    {
        // A round still running (the timer fired again meanwhile) makes this one unnecessary.
        if (!Pressure.IsRaised || !_paging.TryEnter())
        {
            return;
        }

        try
        {
            var paged = 0L;
            foreach (var pageOut in _pageOuts.Values)
            {
                paged += pageOut();
            }

            if (paged >= CollectAfter)
            {
                MemoryReclaimer.CollectAggressively();
            }
        }
        finally
        {
            _paging.Exit();
        }
    }

    /// <summary>Stops paging under pressure and deletes what is left.</summary>
    public void Dispose()
    {
        _pressureTimer.Dispose();
        Empty();
    }

    /// <summary>Deletes whatever is left (files of a previous run, or of queues still open at shutdown).</summary>
    private void Empty()
    {
        try
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
        catch (Exception ex) when (SegmentWriter.IsFileError(ex))
        {
            StorageLog.SegmentNotDeleted(Environment.StorageLogger, "temporary files", _root, ex);
        }
    }
}
