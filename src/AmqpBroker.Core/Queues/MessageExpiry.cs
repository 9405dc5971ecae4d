using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// Message TTL in one queue: when an arriving message expires (the lower of x-message-ttl and its own
/// expiration), the removal of expired ready messages, and the queue's timer that does it on time. While
/// only the queue's TTL applies, expiry follows arrival order and the head is enough; once a message carries
/// its own, the whole queue is searched, unless the queue expires at the head only (quorum queues). Paged-out messages are read back only for a dead-letter exchange;
/// otherwise they are settled in the log unread. Time is the broker's clock. Called under the queue's lock,
/// except the timer, which calls the queue's expire callback.
/// </summary>
internal sealed class MessageExpiry
{
    /// <summary>Ready messages one millisecond of whole-queue searching pays for: searches of a long queue are spaced out.</summary>
    private const int SearchedPerMillisecond = 1000;

    /// <summary>The longest a search is put off (the broker's old sweep interval).</summary>
    private const long MaxSearchSpacingMs = 250;

    private readonly List<QueueEntry> _expiredScratch = [];
    private readonly List<long> _unreadScratch = [];
    private readonly ReadyStore _ready;
    private readonly DurableEntries? _durable;
    private readonly BrokerTimers _timers;
    private readonly TimerTask _timer;
    private readonly bool _headOnly;

    /// <param name="ready">The queue's ready messages.</param>
    /// <param name="durable">The queue's log, if it has one.</param>
    /// <param name="timers">The broker's timers.</param>
    /// <param name="expire">What the timer calls when a message is due to expire: the queue takes its lock and calls <see cref="Sweep"/>.</param>
    /// <param name="headOnly">Whether expired messages go only once they reach the head (quorum queues), not from anywhere.</param>
    public MessageExpiry(ReadyStore ready, DurableEntries? durable, BrokerTimers timers, Action expire, bool headOnly = false)
    {
        _headOnly = headOnly;
        _ready = ready;
        _durable = durable;
        _timers = timers;
        _timer = timers.Create(_ => expire());
    }

    public long NowMs => _timers.NowMs;

    /// <summary>Whether anything in the queue can expire, so it needs sweeping (read without the lock).</summary>
    public bool CanExpire(QueueArguments arguments) => arguments.MessageTtl is not null || _ready.AnyWithOwnTtl;

    /// <summary>When a message arriving at <paramref name="nowMs"/> expires (Unix milliseconds), or <see cref="QueueEntry.Never"/>.</summary>
    public static long ExpiresAt(QueueArguments arguments, Message message, long nowMs)
    {
        var ttl = arguments.MessageTtl;
        if (message.Summary.ExpirationMs != ContentSummary.NoExpiration)
        {
            // The lower of the queue's TTL and the message's own expiration wins.
            ttl = ttl is null ? message.Summary.ExpirationMs : Math.Min(ttl.Value, message.Summary.ExpirationMs);
        }

        return ttl is null ? QueueEntry.Never : nowMs + ttl.Value;
    }

    /// <summary>An entry became ready: the timer runs by the time it expires. Costs a comparison when a run is due sooner.</summary>
    public void Watch(long expiresAt) => _timer.RunNoLaterThan(expiresAt);

    /// <summary>Before a dequeue: removes expired heads into <paramref name="expired"/>, so that what comes next is live.</summary>
    public void RemoveExpiredHeads(QueueArguments arguments, ref List<QueueEntry>? expired)
    {
        if (CanExpire(arguments))
        {
            Remove(arguments, headOnly: true, ref expired);
        }
    }

    /// <summary>The timer: removes every expired message into <paramref name="expired"/> and sets the timer for the next.</summary>
    public void Sweep(QueueArguments arguments, ref List<QueueEntry>? expired)
    {
        var headOnly = _headOnly || !_ready.AnyWithOwnTtl;
        var next = Remove(arguments, headOnly, ref expired);
        if (!headOnly && next != QueueEntry.Never)
        {
            // Searching the whole queue costs its length; a long queue is searched at most every few milliseconds.
            next = Math.Max(next, NowMs + Math.Min(MaxSearchSpacingMs, _ready.Count / SearchedPerMillisecond));
        }

        _timer.RunNoLaterThan(next);
    }

    /// <summary>The queue is gone: its timer stops.</summary>
    public void Stop() => _timer.Cancel();

    private long Remove(QueueArguments arguments, bool headOnly, ref List<QueueEntry>? expired)
    {
        var next = _ready.RemoveExpired(NowMs, headOnly, readBack: arguments.DeadLetterExchange is not null, _expiredScratch, _unreadScratch);
        foreach (var sequence in _unreadScratch)
        {
            _durable!.SettlePaged(sequence);
        }

        if (_expiredScratch.Count > 0)
        {
            (expired ??= []).AddRange(_expiredScratch);
        }

        _expiredScratch.Clear();
        _unreadScratch.Clear();
        return next;
    }
}
