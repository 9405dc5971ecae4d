using System.Buffers.Binary;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The header every segment file starts with: a magic number (4 bytes) and the format version (4 bytes,
/// little-endian). The version goes up whenever a record kind or a record's layout changes (the
/// persisted-format test pins both); a build reads the versions it knows and refuses newer ones. Files
/// written before the header existed (version 0) start straight with a record; the magic's last byte has
/// its high bit set, so read as such a record's length it is negative and can never be mistaken for one.
/// </summary>
internal static class SegmentFormat
{
    /// <summary>The version this build writes.</summary>
    public const uint CurrentVersion = 2;

    /// <summary>The first version whose streams mark where chunks start; before it every stream message was a chunk of its own.</summary>
    public const uint ChunkedVersion = 2;

    /// <summary>Segments written before segments had a header: the same records, from offset 0.</summary>
    public const uint HeaderlessVersion = 0;

    public const int HeaderSize = 8;

    /// <summary>"ABSG" with the high bit of the last byte set.</summary>
    private static ReadOnlySpan<byte> Magic => [0x41, 0x42, 0x53, 0xC7];

    public static void WriteHeader(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[Magic.Length..], CurrentVersion);
    }

    /// <summary>Where a segment's records start for <paramref name="version"/>.</summary>
    public static int RecordsStart(uint version) => version == HeaderlessVersion ? 0 : HeaderSize;

    /// <summary>
    /// Reads the version from the first bytes of a segment of <paramref name="length"/> bytes (as many of
    /// them as it has, up to <see cref="HeaderSize"/>): <see cref="HeaderlessVersion"/> when it does not
    /// start with the magic, null when the header itself is torn (a crash while the segment was created).
    /// </summary>
    public static uint? ReadVersion(ReadOnlySpan<byte> start, long length)
    {
        if (length < Magic.Length || !start.StartsWith(Magic))
        {
            return length < Magic.Length && Magic.StartsWith(start[..(int)length]) ? null : HeaderlessVersion;
        }

        return length < HeaderSize ? null : BinaryPrimitives.ReadUInt32LittleEndian(start[Magic.Length..]);
    }
}
