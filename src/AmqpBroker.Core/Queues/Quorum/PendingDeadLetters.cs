using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Core.Queues.Quorum;

/// <summary>
/// At-least-once dead-lettering of one quorum queue, as RabbitMQ's rabbit_fifo_dlx_worker does it on one node:
/// a message the queue gives up goes to every queue its dead-letter exchange routes it to, and stays here (and
/// in the queue's log, unsettled) until each of them took it — retried every 3 minutes while the exchange is
/// missing, routes nowhere, or a target refuses it. Only the queues that did not take it yet get it again.
/// Its own lock: the queue hands over and retries outside its lock. A timer of the broker's runs the retry
/// when the earliest pending message is due.
/// </summary>
internal sealed class PendingDeadLetters
{
    /// <summary>dead_letter_worker_publisher_confirm_timeout (deps/rabbit/Makefile at v3.10.8): when an undelivered dead letter is tried again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(3);

    private readonly Lock _lock = new();
    private readonly List<Pending> _pending = [];
    private readonly IDeadLetterSink _sink;
    private readonly BrokerTimers _timers;
    private readonly TimerTask _timer;

    /// <param name="sink">Where the queue's dead letters go.</param>
    /// <param name="timers">The broker's timers.</param>
    /// <param name="retry">What the timer calls when a retry is due: the queue calls <see cref="RetryDue"/>.</param>
    public PendingDeadLetters(IDeadLetterSink sink, BrokerTimers timers, Action retry)
    {
        _sink = sink;
        _timers = timers;
        _timer = timers.Create(_ => retry());
    }

    /// <summary>Count and bytes of the pending messages (the queue's length limit counts them).</summary>
    public ReadyTally Tally { get; } = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return Tally.Count;
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return Tally.Bytes;
            }
        }
    }

    /// <summary>Dead-letters <paramref name="entry"/>; true when every target took it, else it waits here for a retry.</summary>
    public bool TryDeliver(Queue queue, QueueEntry entry, DeadLetterReason reason)
    {
        _sink.Totals.Add(queue, DeadLetterMode.AtLeastOnce, reason, 1);
        var reached = new HashSet<string>(StringComparer.Ordinal);
        if (_sink.DeliverAtLeastOnce(queue, entry, reason, reached))
        {
            _sink.Totals.AddConfirmed(1);
            return true;
        }

        Hold(new Pending(entry, reason, reached, _timers.NowMs + (long)RetryAfter.TotalMilliseconds));
        return false;
    }

    /// <summary>Retries the pending messages whose time came; returns those now delivered everywhere, which the caller lets go of.</summary>
    public IReadOnlyList<QueueEntry> RetryDue(Queue queue)
    {
        List<Pending>? due = null;
        var now = _timers.NowMs;
        var nextDue = TimerTask.Never;
        lock (_lock)
        {
            for (var i = _pending.Count - 1; i >= 0; i--)
            {
                if (_pending[i].RetryAtMs <= now)
                {
                    (due ??= []).Add(_pending[i]);
                    Tally.Remove(_pending[i].Entry);
                    _pending.RemoveAt(i);
                }
                else
                {
                    nextDue = Math.Min(nextDue, _pending[i].RetryAtMs);
                }
            }
        }

        _timer.RunNoLaterThan(nextDue);

        if (due is null)
        {
            return [];
        }

        var delivered = new List<QueueEntry>();
        for (var i = due.Count - 1; i >= 0; i--)
        {
            var pending = due[i];
            if (_sink.DeliverAtLeastOnce(queue, pending.Entry, pending.Reason, pending.Reached))
            {
                delivered.Add(pending.Entry);
            }
            else
            {
                Hold(pending with { RetryAtMs = now + (long)RetryAfter.TotalMilliseconds });
            }
        }

        _sink.Totals.AddConfirmed(delivered.Count);
        return delivered;
    }

    /// <summary>The queue was deleted: the pending messages go with it.</summary>
    public void Clear()
    {
        _timer.Cancel();
        lock (_lock)
        {
            foreach (var pending in _pending)
            {
                Tally.Remove(pending.Entry);
                pending.Entry.Message.Release();
            }

            _pending.Clear();
        }
    }

    private void Hold(Pending pending)
    {
        lock (_lock)
        {
            _pending.Add(pending);
            Tally.Add(pending.Entry);
        }

        _timer.RunNoLaterThan(pending.RetryAtMs);
    }

    private sealed record Pending(QueueEntry Entry, DeadLetterReason Reason, HashSet<string> Reached, long RetryAtMs);
}
