using System.Buffers;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Framing;

/// <summary>Whole frames as the broker writes them, against bytes worked out by hand from the spec.</summary>
[TestFixture]
public sealed class FrameWriterTests
{
    [Test]
    public void Heartbeat_is_eight_fixed_octets()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHeartbeat(output);
        Assert.That(Bytes.ToHex(output.WrittenSpan), Is.EqualTo("08 00 00 00 00 00 00 CE"));
    }

    [Test]
    public void Method_frame_without_arguments()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMethod(output, 0xFFFF, new ChannelCloseOk());

        // type 1, channel 65535, size 4, class 20 method 41, end
        Assert.That(Bytes.ToHex(output.WrittenSpan), Is.EqualTo("01 FF FF 00 00 00 04 00 14 00 29 CE"));
    }

    [Test]
    public void Method_frame_size_counts_ids_and_arguments()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMethod(output, 1, new BasicQos { PrefetchSize = 0, PrefetchCount = 10, Global = false });

        // size 4 + 4 (prefetch-size) + 2 (prefetch-count) + 1 (global) = 11; class 60 method 10
        Assert.That(Bytes.ToHex(output.WrittenSpan), Is.EqualTo("01 00 01 00 00 00 0B 00 3C 00 0A 00 00 00 00 00 0A 00 CE"));
    }

    [Test]
    public void Content_header_frame_without_properties()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteContentHeader(output, 3, 0x0102030405060708, [0x00, 0x00]);

        // type 2, channel 3, size 14: class 60, weight 0, body size, flags 0
        Assert.That(
            Bytes.ToHex(output.WrittenSpan),
            Is.EqualTo("02 00 03 00 00 00 0E 00 3C 00 00 01 02 03 04 05 06 07 08 00 00 CE"));
    }

    [Test]
    public void Content_header_frame_copies_the_property_bytes_verbatim()
    {
        // content-type "a/b" and delivery-mode 2: flags 0x9000
        byte[] properties = [0x90, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x02];
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteContentHeader(output, 1, 5, properties);

        Assert.That(
            Bytes.ToHex(output.WrittenSpan),
            Is.EqualTo("02 00 01 00 00 00 13 00 3C 00 00 00 00 00 00 00 00 00 05 90 00 03 61 2F 62 02 CE"));
    }

    [Test]
    public void Body_smaller_than_a_frame_is_one_frame()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteBody(output, 2, "hello"u8, 4096);
        Assert.That(Bytes.ToHex(output.WrittenSpan), Is.EqualTo("03 00 02 00 00 00 05 68 65 6C 6C 6F CE"));
    }

    [Test]
    public void Empty_body_writes_no_frame()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteBody(output, 1, [], 4096);
        Assert.That(output.WrittenCount, Is.Zero);
    }

    [TestCase(4096u, 10000, new[] { 4088, 4088, 1824 })]
    [TestCase(4096u, 4088, new[] { 4088 })]
    [TestCase(4096u, 4089, new[] { 4088, 1 })]
    [TestCase(4096u, 8176, new[] { 4088, 4088 })]
    [TestCase(131072u, 300000, new[] { 131064, 131064, 37872 })]
    [TestCase(0u, 300000, new[] { 300000 })]
    public void Body_is_cut_into_frames_no_larger_than_frame_max(uint frameMax, int bodySize, int[] chunks)
    {
        var body = Enumerable.Range(0, bodySize).Select(i => (byte)(i * 31)).ToArray();
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteBody(output, 9, body, frameMax);

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        var sizes = new List<int>();
        var reassembled = new List<byte>();
        while (FrameReader.TryReadFrame(ref buffer, frameMax, out var frame))
        {
            Assert.That((frame.Type, frame.Channel), Is.EqualTo((FrameType.Body, (ushort)9)));
            if (frameMax != 0)
            {
                Assert.That(frame.Payload.Length + FrameReader.FrameOverhead, Is.LessThanOrEqualTo(frameMax), "whole frame within frame_max");
            }

            sizes.Add((int)frame.Payload.Length);
            reassembled.AddRange(frame.Payload.ToArray());
        }

        Assert.That(buffer.Length, Is.Zero);
        Assert.That(sizes, Is.EqualTo(chunks));
        Assert.That(reassembled, Is.EqualTo(body));
    }

    [TestCase(131_072u, 65_536)]
    [TestCase(131_072u, 300_000)]
    [TestCase(4096u, 10_000)]
    [TestCase(8192u, 4089)]
    [TestCase(0u, 200_000)]
    public async Task A_large_body_written_across_pipe_segments_is_byte_identical_to_the_frames_in_one_piece(uint frameMax, int bodySize)
    {
        var body = Enumerable.Range(0, bodySize).Select(i => (byte)(i * 7)).ToArray();
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
        var sizes = new SizeHintRecorder(pipe.Writer);

        FrameWriter.WriteBody(sizes, 5, body, frameMax);
        await pipe.Writer.CompleteAsync();
        var written = (await pipe.Reader.ReadAsync()).Buffer.ToArray();

        Assert.That(written, Is.EqualTo(ExpectedBodyFrames(5, body, frameMax)));
        Assert.That(sizes.Largest, Is.LessThanOrEqualTo(FrameWriter.ContiguousBodyFrameMax), "no span larger than a pipe segment is asked for");
    }

    /// <summary>Body frames built by hand: type 3, channel, size, payload, frame end.</summary>
    private static byte[] ExpectedBodyFrames(ushort channel, byte[] body, uint frameMax)
    {
        var chunk = frameMax == 0 ? body.Length : (int)frameMax - FrameReader.FrameOverhead;
        var frames = new List<byte>();
        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            var length = Math.Min(chunk, body.Length - offset);
            frames.AddRange([3, (byte)(channel >> 8), (byte)channel, (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]);
            frames.AddRange(body.AsSpan(offset, length).ToArray());
            frames.Add(0xCE);
        }

        return [.. frames];
    }

    /// <summary>Passes writes on and records the largest span asked for.</summary>
    private sealed class SizeHintRecorder(IBufferWriter<byte> inner) : IBufferWriter<byte>
    {
        public int Largest { get; private set; }

        public void Advance(int count) => inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Largest = Math.Max(Largest, sizeHint);
            return inner.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Largest = Math.Max(Largest, sizeHint);
            return inner.GetSpan(sizeHint);
        }
    }

    [Test]
    public void Frames_append_to_what_the_buffer_already_holds()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHeartbeat(output);
        FrameWriter.WriteMethod(output, 1, new ChannelCloseOk());
        FrameWriter.WriteBody(output, 1, [0x2A], 4096);

        Assert.That(
            Bytes.ToHex(output.WrittenSpan),
            Is.EqualTo("08 00 00 00 00 00 00 CE 01 00 01 00 00 00 04 00 14 00 29 CE 03 00 01 00 00 00 01 2A CE"));
    }
}
