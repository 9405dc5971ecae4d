using System.Buffers.Binary;
using System.Numerics;

namespace AmqpBroker.Storage.Messages;

/// <summary>The kinds of record in a segment. A value never changes meaning; a new kind comes with a new <see cref="SegmentFormat.CurrentVersion"/>.</summary>
internal enum LogRecordKind : byte
{
    /// <summary>A message entered the queue: id, exchange, routing key, raw properties, body.</summary>
    Publish = 1,

    /// <summary>The message with this id was handed to a consumer at least once.</summary>
    Delivered = 2,

    /// <summary>The message with this id left the queue for good (acked, dropped, expired, dead-lettered).</summary>
    Settled = 3,

    /// <summary>A stream's message that is the first of its chunk: the same payload as a publish (from version 2).</summary>
    ChunkStart = 4,
}

/// <summary>
/// The record frame of a segment: payload length (4 bytes), CRC-32C of kind and payload (4 bytes), kind
/// (1 byte), payload. A record whose length runs past the file or whose CRC differs is a torn or damaged
/// write and ends what is read of that segment; an intact record of a kind this build does not know was
/// written by a newer one and stops recovery of the queue instead.
/// </summary>
internal static class LogRecord
{
    public const int HeaderSize = 9;

    public static uint Checksum(LogRecordKind kind, ReadOnlySpan<byte> payload)
    {
        var crc = BitOperations.Crc32C(0xFFFFFFFFu, (byte)kind);
        while (payload.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(payload));
            payload = payload[8..];
        }

        foreach (var b in payload)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    /// <summary>Whether a record whose <paramref name="payload"/> was read in full after its <paramref name="header"/> is the one that was written (its CRC matches).</summary>
    public static bool IsIntact(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        Checksum(KindOf(header), payload) == BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);

    /// <summary>The kind byte of a record header, which may be a kind this build does not know.</summary>
    public static LogRecordKind KindOf(ReadOnlySpan<byte> header) => (LogRecordKind)header[8];

    public static bool IsKnown(LogRecordKind kind) => kind is >= LogRecordKind.Publish and <= LogRecordKind.ChunkStart;

    /// <summary>Whether a record of this kind holds a message (a publish payload).</summary>
    public static bool HoldsMessage(LogRecordKind kind) => kind is LogRecordKind.Publish or LogRecordKind.ChunkStart;

    /// <summary>The payload size of a delivered or settled marker: the message id.</summary>
    public const int MarkerPayloadSize = 8;

    public static void WriteHeader(Span<byte> destination, LogRecordKind kind, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Checksum(kind, payload));
        destination[8] = (byte)kind;
    }
}
