using System.Buffers;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Framing;

/// <summary>
/// A socket delivers bytes in arbitrary pieces and the pipe hands them over as a multi-segment
/// sequence: a real frame stream (publish method, content header, several body frames, heartbeat, another
/// method) must parse to the same frames however it is cut.
/// </summary>
[TestFixture]
public sealed class SplitFrameTests
{
    private const uint FrameMax = 4096;

    private static readonly byte[] Body = [.. Enumerable.Range(0, 50).Select(i => (byte)(i * 7))];

    private static readonly (byte[] Stream, List<ParsedFrame> Frames) Sample = BuildSample();

    [Test]
    public void Whole_stream_in_one_segment_parses_to_the_expected_frames()
    {
        Assert.That(ParseAll(new ReadOnlySequence<byte>(Sample.Stream)), Is.EqualTo(Sample.Frames));
    }

    [Test]
    public void Stream_cut_in_two_at_every_byte_boundary()
    {
        var stream = Sample.Stream;
        for (var cut = 1; cut < stream.Length; cut++)
        {
            var sequence = Sequences.Split(stream, cut);
            Assert.That(sequence.IsSingleSegment, Is.False);
            Assert.That(ParseAll(sequence), Is.EqualTo(Sample.Frames), $"cut at {cut}");
        }
    }

    [Test]
    public void Stream_arriving_in_two_reads_cut_at_every_byte_boundary()
    {
        var stream = Sample.Stream;
        for (var cut = 1; cut < stream.Length; cut++)
        {
            var frames = ParseArriving(stream, [cut, stream.Length - cut], out _);
            Assert.That(frames, Is.EqualTo(Sample.Frames), $"cut at {cut}");
        }
    }

    [Test]
    public void Stream_cut_in_three_at_every_pair_of_boundaries()
    {
        var stream = Sample.Stream;
        for (var first = 1; first < stream.Length - 1; first++)
        {
            for (var second = first + 1; second < stream.Length; second++)
            {
                var frames = ParseAll(Sequences.Split(stream, first, second));
                if (!frames.SequenceEqual(Sample.Frames))
                {
                    Assert.Fail($"cut at {first} and {second}: parsed {frames.Count} frames, not the expected {Sample.Frames.Count}");
                }
            }
        }
    }

    [Test]
    public void Stream_in_one_byte_segments()
    {
        var sequence = Sequences.OneByteSegments(Sample.Stream);
        Assert.That(ParseAll(sequence), Is.EqualTo(Sample.Frames));
    }

    [Test]
    public void Stream_arriving_one_byte_at_a_time_yields_each_frame_exactly_when_its_end_octet_arrives()
    {
        var stream = Sample.Stream;
        var frames = ParseArriving(stream, [.. Enumerable.Repeat(1, stream.Length)], out var completedAt);

        Assert.That(frames, Is.EqualTo(Sample.Frames));
        var expectedEnds = new List<int>();
        var end = 0;
        foreach (var frame in Sample.Frames)
        {
            end += FrameReader.FrameOverhead + frame.Payload.Length;
            expectedEnds.Add(end);
        }

        Assert.That(completedAt, Is.EqualTo(expectedEnds), "stream length at which each frame became readable");
    }

    [Test]
    public void Body_frames_split_anywhere_reassemble_the_body_and_the_header_announces_its_size()
    {
        var frames = ParseAll(Sequences.OneByteSegments(Sample.Stream));
        var header = ContentHeader.Parse(frames.Single(f => f.Type == FrameType.Header).Payload);
        var body = frames.Where(f => f.Type == FrameType.Body).SelectMany(f => f.Payload).ToArray();

        Assert.That(header.BodySize, Is.EqualTo((ulong)Body.Length));
        Assert.That(body, Is.EqualTo(Body));
    }

    [Test]
    public void Oversized_frame_header_split_across_segments_fails_once_its_seventh_byte_arrives()
    {
        // Type 3 (body), channel 1, size 4097: one more than frame_max. Its payload never arrives.
        byte[] header = [0x03, 0x00, 0x01, 0x00, 0x00, 0x10, 0x01];
        for (var available = 1; available < header.Length; available++)
        {
            var partial = Sequences.OneByteSegments(header[..available]);
            Assert.That(FrameReader.TryReadFrame(ref partial, FrameMax, out _), Is.False, $"{available} header bytes");
        }

        Assert.That(
            () =>
            {
                var whole = Sequences.OneByteSegments(header);
                FrameReader.TryReadFrame(ref whole, FrameMax, out _);
            },
            Throws.TypeOf<FrameFormatException>());
    }

    [Test]
    public void Bad_end_octet_after_a_split_payload_is_a_frame_error()
    {
        var frame = Sample.Stream[..(FrameReader.FrameOverhead + Sample.Frames[0].Payload.Length)];
        frame[^1] = 0x00;
        for (var cut = 1; cut < frame.Length; cut++)
        {
            var at = cut;
            Assert.That(
                () =>
                {
                    var sequence = Sequences.Split(frame, at);
                    FrameReader.TryReadFrame(ref sequence, FrameMax, out _);
                },
                Throws.TypeOf<FrameFormatException>(),
                $"cut at {cut}");
        }
    }

    /// <summary>Reads every frame the sequence holds; the sequence must end on a frame boundary.</summary>
    private static List<ParsedFrame> ParseAll(ReadOnlySequence<byte> sequence)
    {
        var frames = new List<ParsedFrame>();
        while (FrameReader.TryReadFrame(ref sequence, FrameMax, out var frame))
        {
            frames.Add(ParsedFrame.Of(frame));
        }

        Assert.That(sequence.Length, Is.Zero, "bytes left over after the last frame");
        return frames;
    }

    /// <summary>
    /// Feeds the stream the way a pipe does: after each read the unconsumed bytes so far (a multi-segment
    /// sequence, one segment per read) are parsed for as many frames as they hold.
    /// </summary>
    private static List<ParsedFrame> ParseArriving(byte[] stream, int[] readSizes, out List<int> completedAt)
    {
        var cuts = new List<int>();
        var offset = 0;
        foreach (var size in readSizes[..^1])
        {
            offset += size;
            cuts.Add(offset);
        }

        var all = Sequences.Split(stream, [.. cuts]);
        var frames = new List<ParsedFrame>();
        completedAt = [];
        long consumed = 0;
        var received = 0;
        foreach (var size in readSizes)
        {
            received += size;
            var buffer = all.Slice(consumed, received - consumed);
            while (FrameReader.TryReadFrame(ref buffer, FrameMax, out var frame))
            {
                frames.Add(ParsedFrame.Of(frame));
                completedAt.Add(received);
            }

            consumed = received - buffer.Length;
        }

        Assert.That(consumed, Is.EqualTo(stream.Length), "bytes left over after the last frame");
        return frames;
    }

    private static (byte[] Stream, List<ParsedFrame> Frames) BuildSample()
    {
        var output = new ArrayBufferWriter<byte>();
        var publish = new BasicPublish { Exchange = "amq.direct", RoutingKey = "split.key" };
        FrameWriter.WriteMethod(output, 1, publish);
        var properties = new BasicProperties { ContentType = "application/octet-stream", DeliveryMode = 2, MessageId = "m-1" }.Encode();
        FrameWriter.WriteContentHeader(output, 1, (ulong)Body.Length, properties);

        // Three body frames of 20, 20 and 10 bytes: a frame_max of 28 leaves 20 bytes of payload per frame.
        FrameWriter.WriteBody(output, 1, Body, 28);
        FrameWriter.WriteHeartbeat(output);
        FrameWriter.WriteMethod(output, 2, new BasicAck { DeliveryTag = 7, Multiple = true });

        var publishPayload = Concat([0x00, 0x3C, 0x00, 0x28], Args(publish));
        var headerPayload = Concat([0x00, 0x3C, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, (byte)Body.Length], properties);
        List<ParsedFrame> frames =
        [
            new(FrameType.Method, 1, publishPayload),
            new(FrameType.Header, 1, headerPayload),
            new(FrameType.Body, 1, Body[..20]),
            new(FrameType.Body, 1, Body[20..40]),
            new(FrameType.Body, 1, Body[40..]),
            new(FrameType.Heartbeat, 0, []),
            new(FrameType.Method, 2, [0x00, 0x3C, 0x00, 0x50, 0, 0, 0, 0, 0, 0, 0, 7, 0x01]),
        ];
        return (output.WrittenSpan.ToArray(), frames);
    }

    private static byte[] Args<T>(in T method) where T : struct, IAmqpMethod<T>
    {
        var bytes = new byte[method.ArgumentsSize];
        var writer = new AmqpWriter(bytes);
        method.WriteArguments(ref writer);
        return bytes;
    }

    private static byte[] Concat(byte[] first, byte[] second) => [.. first, .. second];

    /// <summary>A frame copied out of the sequence, compared by value.</summary>
    private sealed record ParsedFrame(FrameType Type, ushort Channel, byte[] Payload)
    {
        public static ParsedFrame Of(Frame frame) => new(frame.Type, frame.Channel, frame.Payload.ToArray());

        public bool Equals(ParsedFrame? other) =>
            other is not null && Type == other.Type && Channel == other.Channel && Payload.AsSpan().SequenceEqual(other.Payload);

        public override int GetHashCode() => HashCode.Combine(Type, Channel, Payload.Length);

        public override string ToString() => $"{Type} ch{Channel} [{Convert.ToHexString(Payload)}]";
    }
}

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s such as a pipe hands to the frame reader.</summary>
internal static class Sequences
{
    /// <summary>Cuts <paramref name="data"/> into segments at the given ascending offsets.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        var start = 0;
        foreach (var cut in cuts)
        {
            parts.Add(data.AsMemory(start, cut - start));
            start = cut;
        }

        parts.Add(data.AsMemory(start));
        return Of(parts);
    }

    public static ReadOnlySequence<byte> OneByteSegments(byte[] data) =>
        Of([.. Enumerable.Range(0, data.Length).Select(i => (ReadOnlyMemory<byte>)data.AsMemory(i, 1))]);

    public static ReadOnlySequence<byte> Of(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        if (parts.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        // Each segment gets its own copy so that no two segments share memory.
        var first = new Segment(parts[0].ToArray(), null);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = new Segment(part.ToArray(), last);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
