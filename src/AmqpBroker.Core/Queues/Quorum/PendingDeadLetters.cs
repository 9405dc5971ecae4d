using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Core.Queues.Quorum;

/// <summary>
/// At-least-once dead-lettering of one quorum queue, as RabbitMQ's rabbit_fifo_dlx_worker does it on one node:
/// a message the queue gives up goes to every queue its dead-letter exchange routes it to, and stays here (and
/// in the queue's log, unsettled) until each of them took it — retried every 3 minutes while the exchange is
/// missing, routes nowhere, or a target refuses it. Only the queues that did not take it yet get it again.
/// The pending messages wait in a <see cref="HeldUntil{T}"/>, whose timer runs the retry when the earliest is due.
/// </summary>
internal sealed class PendingDeadLetters
{
    /// <summary>dead_letter_worker_publisher_confirm_timeout (deps/rabbit/Makefile at v3.10.8): when an undelivered dead letter is tried again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(3);

    private static readonly long RetryAfterMs = (long)RetryAfter.TotalMilliseconds;

    private readonly IDeadLetterSink _sink;
    private readonly HeldUntil<Pending> _held;

    /// <param name="sink">Where the queue's dead letters go.</param>
    /// <param name="timers">The broker's timers.</param>
    /// <param name="retry">What the timer calls when a retry is due: the queue calls <see cref="RetryDue"/>.</param>
    public PendingDeadLetters(IDeadLetterSink sink, BrokerTimers timers, Action retry)
    {
        _sink = sink;
        _held = new HeldUntil<Pending>(timers, retry, static pending => pending.Entry);
    }

    /// <summary>Count and bytes of the pending messages (the queue's length limit counts them).</summary>
    public ReadyTally Tally => _held.Tally;

    public int Count => _held.Count;

    public long Bytes => _held.Bytes;

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

        _held.Hold(new Pending(entry, reason, reached), RetryAfterMs);
        return false;
    }

    /// <summary>Retries the pending messages whose time came; returns those now delivered everywhere, which the caller lets go of.</summary>
    public IReadOnlyList<QueueEntry> RetryDue(Queue queue)
    {
        var due = _held.TakeDue();
        if (due.Count == 0)
        {
            return [];
        }

        var delivered = new List<QueueEntry>();
        foreach (var pending in due)
        {
            if (_sink.DeliverAtLeastOnce(queue, pending.Entry, pending.Reason, pending.Reached))
            {
                delivered.Add(pending.Entry);
            }
            else
            {
                _held.Hold(pending, RetryAfterMs);
            }
        }

        _sink.Totals.AddConfirmed(delivered.Count);
        return delivered;
    }

    /// <summary>The queue was deleted: the pending messages go with it.</summary>
    public void Clear()
    {
        _held.Stop();
        foreach (var pending in _held.TakeAll())
        {
            pending.Entry.Message.Release();
        }
    }

    private sealed record Pending(QueueEntry Entry, DeadLetterReason Reason, HashSet<string> Reached);
}
