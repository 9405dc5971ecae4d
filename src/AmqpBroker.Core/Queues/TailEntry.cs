using System.Runtime.InteropServices;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// One message of a <see cref="PagedTail"/>: for a paged one, its sequence, where the log (or, for a message
/// the log does not keep, the queue's temporary file) keeps it, its
/// size and whether it comes back redelivered or expires (the expiry itself waits beside it, since most
/// queues have none); for one kept in memory, only a marker. A long durable queue holds millions of
/// these, so they are packed into 20 bytes: the body size shares its int with the two flags, which leaves
/// room for RabbitMQ's largest message size (512 MiB).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly struct TailEntry
{
    /// <summary>The location of a tail entry whose message is kept in memory (a transient one, or under the limit).</summary>
    public const long InMemory = -1;

    public static readonly TailEntry KeptInMemory = new(0, InMemory, 0, redelivered: false, expires: false);

    /// <summary>Set in the location of a message paged to the queue's temporary file (locations of both stores stay far below it).</summary>
    private const long TransientFlag = 1L << 62;

    /// <summary>Set beside <see cref="TransientFlag"/> for a persistent message the log holds too (paged under memory pressure): it is settled there when it goes.</summary>
    private const long LoggedFlag = 1L << 61;

    private const int RedeliveredFlag = 1 << 31;
    private const int ExpiresFlag = 1 << 30;
    private const int BodySizeMask = ExpiresFlag - 1;

    private readonly int _bodySizeAndFlags;

    public TailEntry(long sequence, long location, int bodySize, bool redelivered, bool expires)
    {
        if ((uint)bodySize > BodySizeMask)
        {
            throw new ArgumentOutOfRangeException(nameof(bodySize), bodySize, "larger than any message the broker accepts");
        }

        Sequence = sequence;
        Location = location;
        _bodySizeAndFlags = bodySize | (redelivered ? RedeliveredFlag : 0) | (expires ? ExpiresFlag : 0);
    }

    public long Sequence { get; }

    /// <summary>Where the log or the temporary file keeps the message (see <see cref="IsTransient"/>), or <see cref="InMemory"/>.</summary>
    public long Location { get; }

    public int BodySize => _bodySizeAndFlags & BodySizeMask;

    /// <summary>Delivered before a restart: it comes back redelivered, with one delivery counted.</summary>
    public bool Redelivered => (_bodySizeAndFlags & RedeliveredFlag) != 0;

    /// <summary>The message has an expiry, kept in order beside the tail's entries.</summary>
    public bool Expires => (_bodySizeAndFlags & ExpiresFlag) != 0;

    public bool IsInMemory => Location == InMemory;

    /// <summary>Paged to the queue's temporary file rather than its log.</summary>
    public bool IsTransient => !IsInMemory && (Location & TransientFlag) != 0;

    /// <summary>The log holds the message (it may be read back from the temporary file all the same): it is settled there when it leaves.</summary>
    public bool IsLogged => !IsInMemory && (!IsTransient || (Location & LoggedFlag) != 0);

    /// <summary>The location in the temporary file of a <see cref="IsTransient"/> entry.</summary>
    public long PageLocation => Location & ~(TransientFlag | LoggedFlag);

    /// <summary>The tail location of a message the temporary file keeps at <paramref name="pageLocation"/>; <paramref name="logged"/> when the log holds it too.</summary>
    public static long TransientLocation(long pageLocation, bool logged) => pageLocation | TransientFlag | (logged ? LoggedFlag : 0);
}

/// <summary>When a paged message expires, and whether that comes from its own expiration property.</summary>
internal readonly record struct PagedExpiry(long ExpiresAt, bool OwnTtl)
{
    public static readonly PagedExpiry Never = new(QueueEntry.Never, OwnTtl: false);
}
