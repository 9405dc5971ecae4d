using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// Message TTL in one queue: when an arriving message expires (the lower of x-message-ttl and its own
/// expiration), and the removal of expired ready messages. While only the queue's TTL applies, expiry
/// follows arrival order and the head is enough; once a message carries its own, the whole queue is
/// searched — unless the queue expires at the head only, as RabbitMQ's quorum queues do. Paged-out messages are read back only for a dead-letter exchange; otherwise they are settled
/// in the log unread. Time is the broker's clock. Called under the queue's lock.
/// </summary>
internal sealed class MessageExpiry(ReadyStore ready, DurableEntries? durable, TimeProvider time, bool headOnly = false)
{
    private readonly List<QueueEntry> _expiredScratch = [];
    private readonly List<long> _unreadScratch = [];

    public long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Whether anything in the queue can expire, so it needs sweeping (read without the lock).</summary>
    public bool CanExpire(QueueArguments arguments) => arguments.MessageTtl is not null || ready.AnyWithOwnTtl;

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

    /// <summary>Before a dequeue: removes expired heads into <paramref name="expired"/>, so that what comes next is live.</summary>
    public void RemoveExpiredHeads(QueueArguments arguments, ref List<QueueEntry>? expired)
    {
        if (CanExpire(arguments))
        {
            Remove(arguments, headOnly: true, ref expired);
        }
    }

    /// <summary>The broker's tick: removes every expired message into <paramref name="expired"/>.</summary>
    public void Sweep(QueueArguments arguments, ref List<QueueEntry>? expired) =>
        Remove(arguments, headOnly: headOnly || !ready.AnyWithOwnTtl, ref expired);

    private void Remove(QueueArguments arguments, bool headOnly, ref List<QueueEntry>? expired)
    {
        ready.RemoveExpired(NowMs, headOnly, readBack: arguments.DeadLetterExchange is not null, _expiredScratch, _unreadScratch);
        foreach (var sequence in _unreadScratch)
        {
            durable!.SettlePaged(sequence);
        }

        if (_expiredScratch.Count > 0)
        {
            (expired ??= []).AddRange(_expiredScratch);
        }

        _expiredScratch.Clear();
        _unreadScratch.Clear();
    }
}
