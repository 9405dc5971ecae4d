using System.Buffers.Binary;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>
/// Makes fuzz cases from a seeded <see cref="Random"/>: tables nested far past any limit, lengths that
/// promise more than is sent, truncated tables, unknown type tags, and random mutations of valid frames,
/// both before login and on an open channel. The same seed gives the same cases.
/// </summary>
internal sealed class FuzzCaseGenerator(int seed)
{
    private readonly Random _random = new(seed);
    private int _next;

    private static readonly (string Kind, FuzzStage Stage, Func<Random, byte[]> Make)[] Strategies =
    [
        ("deep-start-ok", FuzzStage.BeforeLogin, r => StartOk(Wire.NestedTable(Nesting(r), Depth(r)))),
        ("lying-start-ok", FuzzStage.BeforeLogin, LyingStartOk),
        ("mutated-start-ok", FuzzStage.BeforeLogin, r => Mutations.Apply(r, StartOk(Properties(r)))),
        ("random-frame", FuzzStage.BeforeLogin, RandomFrame),
        ("random-frame", FuzzStage.ChannelOpen, RandomFrame),
        ("deep-queue-declare", FuzzStage.ChannelOpen, r => Wire.MethodFrame(1, 50, 10, [0, 0, .. Wire.ShortString("fuzz"), 0, .. Wire.NestedTable(Nesting(r), Depth(r))])),
        ("deep-consume", FuzzStage.ChannelOpen, r => Wire.MethodFrame(1, 60, 20, [0, 0, .. Wire.ShortString("fuzz"), 0, 0, .. Wire.NestedTable(Nesting(r), Depth(r))])),
        ("deep-publish", FuzzStage.ChannelOpen, r => Publish(r, [0x20, 0x00, .. Wire.NestedTable(Nesting(r), Depth(r))])),
        ("bad-type-tag", FuzzStage.ChannelOpen, r => Wire.MethodFrame(1, 50, 10, [0, 0, .. Wire.ShortString("fuzz"), 0, .. TableWithBadTags(r)])),
        ("truncated-table", FuzzStage.ChannelOpen, r => Publish(r, [0x20, 0x00, .. Truncate(r, Properties(r))])),
        ("huge-body", FuzzStage.ChannelOpen, HugeBody),
        ("random-properties", FuzzStage.ChannelOpen, r => Publish(r, RandomBytes(r, r.Next(0, 64)))),
        ("random-method", FuzzStage.ChannelOpen, RandomMethod),
        ("mutated-method", FuzzStage.ChannelOpen, r => Mutations.Apply(r, ValidFrames.Pick(r))),
    ];

    public FuzzCase Next()
    {
        var (kind, stage, make) = Strategies[_random.Next(Strategies.Length)];
        return new FuzzCase(_next++, stage, kind, make(_random));
    }

    private static char Nesting(Random r) => r.Next(2) == 0 ? 'F' : 'A';

    /// <summary>Mostly far past the limit of 100; sometimes at or just around it.</summary>
    private static int Depth(Random r) => r.Next(4) switch
    {
        0 => r.Next(95, 106),
        1 => r.Next(106, 2_000),
        _ => r.Next(2_000, 20_000),
    };

    private static byte[] StartOk(byte[] clientProperties) =>
        Wire.MethodFrame(0, 10, 11, [.. clientProperties, .. Wire.ShortString("PLAIN"), .. Wire.LongString("\0guest\0guest"u8), .. Wire.ShortString("en_US")]);

    /// <summary>A small valid table with a nested table and an array, as real clients send.</summary>
    private static byte[] Properties(Random r)
    {
        byte[] capabilities = [.. Wire.ShortString("publisher_confirms"), (byte)'t', 1, .. Wire.ShortString("n"), (byte)'I', 0, 0, 0, (byte)r.Next(256)];
        byte[] array = [(byte)'S', .. Wire.LongString("a"u8), (byte)'l', .. new byte[8]];
        return Wire.LongString([
            .. Wire.ShortString("product"), (byte)'S', .. Wire.LongString("fuzz"u8),
            .. Wire.ShortString("capabilities"), (byte)'F', .. Wire.LongString(capabilities),
            .. Wire.ShortString("list"), (byte)'A', .. Wire.LongString(array),
        ]);
    }

    /// <summary>A start-ok in which one length promises far more than the frame holds.</summary>
    private static byte[] LyingStartOk(Random r)
    {
        var lie = r.Next(3) switch { 0 => uint.MaxValue, 1 => 0x7FFF_FFFFu, _ => (uint)r.Next(100, 100_000) };
        var properties = Properties(r);
        BinaryPrimitives.WriteUInt32BigEndian(properties, lie);
        return r.Next(2) == 0
            ? StartOk(properties)
            : Wire.MethodFrame(0, 10, 11, [.. Properties(r), .. Wire.ShortString("PLAIN"), .. BigEndian(lie), .. "\0guest"u8]);
    }

    private static byte[] RandomFrame(Random r)
    {
        var payload = RandomBytes(r, r.Next(0, 200));
        var frame = Wire.Frame((byte)r.Next(256), (ushort)r.Next(4), payload);
        if (r.Next(3) == 0)
        {
            // A declared size the sent bytes never reach, possibly beyond any frame_max.
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), r.Next(2) == 0 ? uint.MaxValue : (uint)r.Next(200, 1 << 20));
        }

        return frame;
    }

    private static byte[] Publish(Random r, byte[] properties) =>
    [
        .. Wire.Method(1, new BasicPublish { Exchange = "", RoutingKey = r.Next(2) == 0 ? "fuzz" : "" }),
        .. Wire.ContentHeader(1, 5, properties),
        .. Wire.Frame(3, 1, "hello"u8),
    ];

    private static byte[] HugeBody(Random r)
    {
        var size = r.Next(3) switch { 0 => ulong.MaxValue, 1 => 127UL << 20, _ => (ulong)r.NextInt64(1, long.MaxValue) };
        return [.. Wire.Method(1, new BasicPublish { Exchange = "", RoutingKey = "fuzz" }), .. Wire.ContentHeader(1, size, [0, 0]), .. Wire.Frame(3, 1, RandomBytes(r, r.Next(0, 100)))];
    }

    private static byte[] TableWithBadTags(Random r)
    {
        var entries = new List<byte>();
        for (var i = r.Next(1, 6); i > 0; i--)
        {
            entries.AddRange(Wire.ShortString($"k{i}"));
            entries.Add((byte)r.Next(256));
            entries.AddRange(RandomBytes(r, r.Next(0, 12)));
        }

        return Wire.LongString([.. entries]);
    }

    /// <summary>A table whose length prefix still claims its whole body while some of the body is cut off.</summary>
    private static byte[] Truncate(Random r, byte[] table) => table[..r.Next(4, table.Length)];

    private static byte[] RandomMethod(Random r)
    {
        ushort[] classes = [10, 20, 40, 50, 60, 85, 90, (ushort)r.Next(65536)];
        return Wire.MethodFrame((ushort)r.Next(3), classes[r.Next(classes.Length)], (ushort)r.Next(0, 120), RandomBytes(r, r.Next(0, 64)));
    }

    private static byte[] RandomBytes(Random r, int count)
    {
        var bytes = new byte[count];
        r.NextBytes(bytes);
        return bytes;
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
