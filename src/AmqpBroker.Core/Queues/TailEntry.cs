using System.Runtime.InteropServices;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A ready message in a queue's paged tail (<see cref="PagedTail"/>): where the log keeps it, plus what the
/// queue must know without reading it back (order, expiry, size, redelivery, whether it set its own TTL).
/// A long durable queue holds millions of these, so they are packed into 28 bytes: the body size shares
/// its int with the two flags, which leaves room for RabbitMQ's largest message size (512 MiB).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly struct TailEntry
{
    private const int RedeliveredFlag = 1 << 31;
    private const int OwnTtlFlag = 1 << 30;
    private const int BodySizeMask = OwnTtlFlag - 1;

    private readonly int _bodySizeAndFlags;

    public TailEntry(long sequence, long location, long expiresAt, int bodySize, bool redelivered, bool hasOwnTtl)
    {
        if ((uint)bodySize > BodySizeMask)
        {
            throw new ArgumentOutOfRangeException(nameof(bodySize), bodySize, "larger than any message the broker accepts");
        }

        Sequence = sequence;
        Location = location;
        ExpiresAt = expiresAt;
        _bodySizeAndFlags = bodySize | (redelivered ? RedeliveredFlag : 0) | (hasOwnTtl ? OwnTtlFlag : 0);
    }

    public long Sequence { get; }

    /// <summary>Where the log keeps the message; <see cref="InMemory"/> for one the tail holds in memory.</summary>
    public long Location { get; }

    public long ExpiresAt { get; }

    public int BodySize => _bodySizeAndFlags & BodySizeMask;

    /// <summary>Delivered before a restart: it comes back redelivered, with one delivery counted.</summary>
    public bool Redelivered => (_bodySizeAndFlags & RedeliveredFlag) != 0;

    /// <summary>The message carries its own expiration property.</summary>
    public bool HasOwnTtl => (_bodySizeAndFlags & OwnTtlFlag) != 0;

    public bool IsInMemory => Location == InMemory;

    public bool IsExpired(long nowMs) => ExpiresAt <= nowMs;

    /// <summary>The location of a tail entry whose message is kept in memory (a transient one, or under the limit).</summary>
    public const long InMemory = -1;

    public static TailEntry Of(in QueueEntry entry, long location) => new(
        entry.Sequence, location, entry.ExpiresAt, entry.Message.BodySize, entry.Redelivered,
        ReadyTally.HasOwnTtl(entry));
}
