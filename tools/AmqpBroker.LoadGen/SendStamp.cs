using System.Buffers.Binary;
using System.Diagnostics;

namespace AmqpBroker.LoadGen;

/// <summary>
/// The send time carried in the first 8 bytes of a body. Publisher and consumer share one process,
/// so raw <see cref="Stopwatch"/> timestamps are comparable.
/// </summary>
internal static class SendStamp
{
    public const int Length = sizeof(long);

    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    public static void Write(Span<byte> body) =>
        BinaryPrimitives.WriteInt64LittleEndian(body, Stopwatch.GetTimestamp());

    public static long MicrosecondsSince(ReadOnlySpan<byte> body)
    {
        var elapsed = Stopwatch.GetTimestamp() - BinaryPrimitives.ReadInt64LittleEndian(body);
        return (long)(elapsed * MicrosecondsPerTick);
    }
}
