using System.Buffers;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Framing;

/// <summary>
/// The general frame format (spec 4.2.3): type octet, channel short, payload size long, payload, then the
/// frame-end octet 0xCE. The size is checked against frame_max as soon as the 7-byte header is in.
/// </summary>
[TestFixture]
public sealed class FrameReaderTests
{
    private const uint FrameMax = 131072;

    [Test]
    public void Heartbeat_frame()
    {
        var buffer = new ReadOnlySequence<byte>(Bytes.Hex("08 00 00 00 00 00 00 CE"));

        Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out var frame), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(frame.Type, Is.EqualTo(FrameType.Heartbeat));
            Assert.That(frame.Channel, Is.Zero);
            Assert.That(frame.Payload.Length, Is.Zero);
            Assert.That(buffer.Length, Is.Zero);
        }
    }

    [Test]
    public void Header_fields_are_big_endian_and_the_payload_is_exactly_the_announced_size()
    {
        // Method frame on channel 0x0102 with a 4-byte payload (channel.close-ok's class and method ids).
        var buffer = new ReadOnlySequence<byte>(Bytes.Hex("01 01 02 00 00 00 04 00 14 00 29 CE"));

        Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out var frame), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(frame.Type, Is.EqualTo(FrameType.Method));
            Assert.That(frame.Channel, Is.EqualTo(0x0102));
            Assert.That(frame.Payload.ToArray(), Is.EqualTo(Bytes.Hex("00 14 00 29")));
            Assert.That(buffer.Length, Is.Zero);
        }
    }

    [TestCase(1, FrameType.Method)]
    [TestCase(2, FrameType.Header)]
    [TestCase(3, FrameType.Body)]
    [TestCase(8, FrameType.Heartbeat)]
    public void Every_frame_type_of_the_spec(int octet, FrameType type)
    {
        var buffer = new ReadOnlySequence<byte>(Bytes.Of(octet, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0xAB, 0xCE));

        Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out var frame), Is.True);
        Assert.That((frame.Type, frame.Channel, frame.Payload.ToArray()), Is.EqualTo((type, (ushort)5, new byte[] { 0xAB })));
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(9)]
    [TestCase(0xCE)]
    public void A_frame_of_a_type_amqp_does_not_define_is_read_whole_for_the_connection_to_refuse(int octet)
    {
        // RabbitMQ reads it, end octet included, before it answers "unknown_frame" with its payload.
        var buffer = new ReadOnlySequence<byte>(Bytes.Of(octet, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0xAB, 0xCE));

        Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out var frame), Is.True);
        Assert.That(((byte)frame.Type, frame.Payload.ToArray()), Is.EqualTo(((byte)octet, new byte[] { 0xAB })));
    }

    [Test]
    public void A_second_protocol_header_mid_stream_announces_a_frame_too_large_to_read()
    {
        var buffer = new ReadOnlySequence<byte>("AMQP\0\0\u0009\u0001"u8.ToArray());

        var error = Assert.Throws<FrameFormatException>(() => FrameReader.TryReadFrame(ref buffer, FrameMax, out _));
        Assert.That(error!.Message, Is.EqualTo($"type 65, all octets = <<>>: {{frame_too_large,1342177289,{FrameMax - 8}}}"));
    }

    [Test]
    public void Fewer_than_seven_bytes_need_more_data_and_consume_nothing()
    {
        var frame = Bytes.Hex("01 00 01 00 00 00 04 00 14 00 29 CE");
        for (var length = 0; length < FrameReader.HeaderSize; length++)
        {
            var buffer = new ReadOnlySequence<byte>(frame[..length]);
            Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out _), Is.False, $"{length} bytes");
            Assert.That(buffer.Length, Is.EqualTo(length), "nothing consumed");
        }
    }

    [Test]
    public void Partial_payload_or_missing_end_octet_needs_more_data_and_consumes_nothing()
    {
        var frame = Bytes.Hex("01 00 01 00 00 00 04 00 14 00 29 CE");
        for (var length = FrameReader.HeaderSize; length < frame.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(frame[..length]);
            Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out _), Is.False, $"{length} bytes");
            Assert.That(buffer.Length, Is.EqualTo(length), "nothing consumed");
        }
    }

    [TestCase(0x00)]
    [TestCase(0xCD)]
    [TestCase(0xCF)]
    [TestCase(0x01)]
    public void Wrong_end_octet_is_a_frame_error(int end)
    {
        var frame = Bytes.Hex("01 00 01 00 00 00 04 00 14 00 29 CE");
        frame[^1] = (byte)end;
        var error = Assert.Throws<FrameFormatException>(() => Read(frame, FrameMax));
        Assert.That(error!.Message, Is.EqualTo($"type 1, all octets = <<0,20,0,41>>: {{invalid_frame_end_marker,{end}}}"));
    }

    [Test]
    public void Payload_size_that_is_off_by_one_lands_on_a_wrong_end_octet()
    {
        // The header announces 3 bytes where 4 follow: the reader finds 0x29 where 0xCE must be.
        var frame = Bytes.Hex("01 00 01 00 00 00 03 00 14 00 29 CE");
        Assert.Throws<FrameFormatException>(() => Read(frame, FrameMax));
    }

    [TestCase(4096u, 4097u)]
    [TestCase(4096u, 0xFFFFFFFFu)]
    [TestCase(131072u, 131073u)]
    [TestCase(131072u, 0x7FFFFFFFu)]
    public void Size_beyond_frame_max_fails_with_only_the_header_available(uint frameMax, uint size)
    {
        var header = new byte[FrameReader.HeaderSize];
        header[0] = 3;
        header[2] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(3), size);

        var error = Assert.Throws<FrameFormatException>(() => Read(header, frameMax));
        Assert.That(error!.Message, Is.EqualTo($"type 3, all octets = <<>>: {{frame_too_large,{size},{frameMax - 8}}}"));
    }

    [Test]
    public void Largest_payload_the_spec_allows_under_frame_max_is_read()
    {
        const uint frameMax = 4096;
        var payload = Enumerable.Range(0, (int)frameMax - FrameReader.FrameOverhead).Select(i => (byte)i).ToArray();
        var wire = Bytes.Concat(Bytes.Hex("03 00 01 00 00 0F F8"), payload, [0xCE]);

        var buffer = new ReadOnlySequence<byte>(wire);
        Assert.That(FrameReader.TryReadFrame(ref buffer, frameMax, out var frame), Is.True);
        Assert.That(frame.Payload.ToArray(), Is.EqualTo(payload));
    }

    [Test]
    public void Frame_max_zero_means_no_limit()
    {
        var header = Bytes.Hex("03 00 01 00 10 00 00");   // 1 MiB payload announced, not yet arrived
        var buffer = new ReadOnlySequence<byte>(header);
        Assert.That(FrameReader.TryReadFrame(ref buffer, 0, out _), Is.False);
    }

    [Test]
    public void Empty_body_frame_is_valid()
    {
        var buffer = new ReadOnlySequence<byte>(Bytes.Hex("03 00 07 00 00 00 00 CE"));
        Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out var frame), Is.True);
        Assert.That((frame.Type, frame.Channel, frame.Payload.Length), Is.EqualTo((FrameType.Body, (ushort)7, 0L)));
    }

    [Test]
    public void Consecutive_frames_are_sliced_off_one_at_a_time_leaving_the_rest()
    {
        var wire = Bytes.Hex(
            "08 00 00 00 00 00 00 CE" +
            "03 FF FF 00 00 00 02 AA BB CE" +
            "01 00");                       // the start of a third frame
        var buffer = new ReadOnlySequence<byte>(wire);

        Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out var first), Is.True);
        Assert.That(first.Type, Is.EqualTo(FrameType.Heartbeat));
        Assert.That(buffer.Length, Is.EqualTo(12));

        Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out var second), Is.True);
        Assert.That((second.Type, second.Channel, second.Payload.ToArray()), Is.EqualTo((FrameType.Body, (ushort)0xFFFF, new byte[] { 0xAA, 0xBB })));
        Assert.That(buffer.ToArray(), Is.EqualTo(Bytes.Hex("01 00")));

        Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out _), Is.False);
        Assert.That(buffer.Length, Is.EqualTo(2));
    }

    [Test]
    public void Payload_is_a_slice_of_the_input_not_a_copy()
    {
        var wire = Bytes.Hex("03 00 01 00 00 00 03 01 02 03 CE");
        var buffer = new ReadOnlySequence<byte>(wire);
        Assert.That(FrameReader.TryReadFrame(ref buffer, FrameMax, out var frame), Is.True);

        wire[8] = 0x99;
        Assert.That(frame.Payload.ToArray(), Is.EqualTo(new byte[] { 0x01, 0x99, 0x03 }));
    }

    [Test]
    public void Protocol_headers_are_the_spec_octets()
    {
        Assert.That(ProtocolHeader.Amqp091.ToArray(), Is.EqualTo(Bytes.Of("AMQP", 0, 0, 9, 1)));
        Assert.That(ProtocolHeader.Amqp09.ToArray(), Is.EqualTo(Bytes.Of("AMQP", 1, 1, 0, 9)));
    }

    private static void Read(byte[] wire, uint frameMax)
    {
        var buffer = new ReadOnlySequence<byte>(wire);
        FrameReader.TryReadFrame(ref buffer, frameMax, out _);
    }
}
