using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Storage;

/// <summary>
/// A stream's append-only log: messages numbered by offset from 0, grouped into chunks (see
/// <see cref="StreamChunks"/>) that each carry the time they opened, kept in segments that roll over at the
/// stream's segment size. A chunk never spans segments. Nothing is removed one message at a time; retention
/// drops whole segments from the oldest on, never the one being appended to. Readers walk it with a
/// <see cref="StreamCursor"/>, so a consumer starting at the first offset reads old messages back from where
/// the log keeps them instead of the stream holding them in memory. The stream calls it under its own lock.
/// </summary>
public interface IStreamLog : IDisposable
{
    /// <summary>The offset the next append gets.</summary>
    long NextOffset { get; }

    /// <summary>The first offset of the last chunk (<see cref="NextOffset"/> while the log is empty).</summary>
    long LastChunk { get; }

    /// <summary>The segments held now, oldest first (the last one is being appended to).</summary>
    IReadOnlyList<StreamSegment> Segments { get; }

    /// <summary>
    /// Appends <paramref name="message"/> as offset <see cref="NextOffset"/>: into the chunk being filled, or
    /// opening one stamped with <paramref name="clock"/>'s time once the writer took its turn.
    /// </summary>
    void Append(Message message, TimeProvider clock);

    /// <summary>Where reading from <paramref name="offset"/> starts: the first message at or after it that the log still holds.</summary>
    StreamCursor Seek(long offset);

    /// <summary>
    /// Reads the message at <paramref name="cursor"/> and moves the cursor past it; false (cursor unchanged)
    /// at the end of the log. A cursor left behind by retention continues at the oldest message held.
    /// </summary>
    bool TryRead(ref StreamCursor cursor, out StreamRecord record);

    /// <summary>Drops the oldest segment (never the last one); false when only the last one is left.</summary>
    bool DropOldestSegment();
}

/// <summary>One segment of a stream's log: the offsets it holds, when they were appended, and its size on disk.</summary>
public readonly record struct StreamSegment(long FirstOffset, long LastOffset, long FirstTimestamp, long LastTimestamp, long Bytes)
{
    public long Count => LastOffset - FirstOffset + 1;
}

/// <summary>A reader's place in a stream's log: the offset it reads next, and where the log keeps it (the log's own notion).</summary>
public readonly record struct StreamCursor(long Offset, long Location);

/// <summary>
/// A message read from a stream's log, with its offset, its chunk's time (Unix milliseconds), and whether it is
/// the first message of its chunk.
/// </summary>
public readonly record struct StreamRecord(long Offset, long Timestamp, Message Message, bool StartsChunk);
