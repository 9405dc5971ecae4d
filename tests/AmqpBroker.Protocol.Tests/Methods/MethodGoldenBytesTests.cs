using System.Buffers;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Methods;

/// <summary>
/// Whole method frames, header to frame-end, against bytes worked out by hand from the 0-9-1 spec: each
/// is written with <see cref="FrameWriter"/>, compared octet for octet, then read back through
/// <see cref="FrameReader"/> and the method's own reader. (Argument-only encodings are in <see cref="MethodArgumentGoldenBytesTests"/>.)
/// </summary>
[TestFixture]
public sealed class MethodGoldenBytesTests
{
    [Test]
    public void Connection_start()
    {
        var method = new ConnectionStart
        {
            VersionMajor = 0,
            VersionMinor = 9,
            ServerProperties = new Dictionary<string, object?> { ["product"] = "RabbitMQ" },
            Mechanisms = "PLAIN AMQPLAIN"u8.ToArray(),
            Locales = "en_US"u8.ToArray(),
        };
        var expected = Bytes.Of(
            0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 58,     // method frame, channel 0, size 4 + 54
            0x00, 0x0A, 0x00, 0x0A,                     // connection.start (10, 10)
            0x00, 0x09,                                 // version 0-9
            0x00, 0x00, 0x00, 21,                       // server-properties: 1 + 7 + 1 + 4 + 8
            7, "product", "S", 0x00, 0x00, 0x00, 8, "RabbitMQ",
            0x00, 0x00, 0x00, 14, "PLAIN AMQPLAIN",     // mechanisms (longstr)
            0x00, 0x00, 0x00, 5, "en_US",               // locales (longstr)
            0xCE);

        AssertFrame(0, method, expected);
        var read = ReadBack<ConnectionStart>(expected, 0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That((read.VersionMajor, read.VersionMinor), Is.EqualTo(((byte)0, (byte)9)));
            Assert.That(read.ServerProperties, Is.EqualTo(new Dictionary<string, object?> { ["product"] = "RabbitMQ" }));
            Assert.That(read.Mechanisms, Is.EqualTo("PLAIN AMQPLAIN"u8.ToArray()));
            Assert.That(read.Locales, Is.EqualTo("en_US"u8.ToArray()));
        }
    }

    [Test]
    public void Connection_start_ok_with_a_nested_capabilities_table()
    {
        var clientProperties = new Dictionary<string, object?>
        {
            ["capabilities"] = new Dictionary<string, object?> { ["publisher_confirms"] = true },
        };
        var method = new ConnectionStartOk
        {
            ClientProperties = clientProperties,
            Mechanism = "PLAIN",
            Response = "\0guest\0guest"u8.ToArray(),
            Locale = "en_US",
        };
        var expected = Bytes.Of(
            0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 75,     // size 4 + 71
            0x00, 0x0A, 0x00, 0x0B,                     // connection.start-ok (10, 11)
            0x00, 0x00, 0x00, 39,                       // client-properties: 1 + 12 + 1 + 4 + 21
            12, "capabilities", "F",
            0x00, 0x00, 0x00, 21,                       // nested table: 1 + 18 + 1 + 1
            18, "publisher_confirms", "t", 0x01,
            5, "PLAIN",                                 // mechanism (shortstr)
            0x00, 0x00, 0x00, 12, "\0guest\0guest",     // response (longstr)
            5, "en_US",                                 // locale (shortstr)
            0xCE);

        AssertFrame(0, method, expected);
        var read = ReadBack<ConnectionStartOk>(expected, 0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.ClientProperties, Is.EqualTo(clientProperties));
            Assert.That(read.Mechanism, Is.EqualTo("PLAIN"));
            Assert.That(read.Response, Is.EqualTo("\0guest\0guest"u8.ToArray()));
            Assert.That(read.Locale, Is.EqualTo("en_US"));
        }
    }

    [Test]
    public void Connection_tune_and_tune_ok()
    {
        var tune = new ConnectionTune { ChannelMax = 2047, FrameMax = 131072, Heartbeat = 60 };
        var expected = Bytes.Hex("01 0000 0000000C 000A 001E 07FF 00020000 003C CE");
        AssertFrame(0, tune, expected);
        var read = ReadBack<ConnectionTune>(expected, 0);
        Assert.That((read.ChannelMax, read.FrameMax, read.Heartbeat), Is.EqualTo(((ushort)2047, 131072u, (ushort)60)));

        var tuneOk = new ConnectionTuneOk { ChannelMax = 0, FrameMax = 4096, Heartbeat = 0 };
        var expectedOk = Bytes.Hex("01 0000 0000000C 000A 001F 0000 00001000 0000 CE");
        AssertFrame(0, tuneOk, expectedOk);
        var readOk = ReadBack<ConnectionTuneOk>(expectedOk, 0);
        Assert.That((readOk.ChannelMax, readOk.FrameMax, readOk.Heartbeat), Is.EqualTo(((ushort)0, 4096u, (ushort)0)));
    }

    [Test]
    public void Connection_open_and_open_ok()
    {
        var open = new ConnectionOpen { VirtualHost = "/" };
        var expected = Bytes.Of(
            0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 8,
            0x00, 0x0A, 0x00, 0x28,                     // connection.open (10, 40)
            1, "/",                                     // virtual-host
            0,                                          // reserved-1 (capabilities): empty shortstr
            0x00,                                       // reserved-2 (insist): bit
            0xCE);
        AssertFrame(0, open, expected);
        var read = ReadBack<ConnectionOpen>(expected, 0);
        Assert.That((read.VirtualHost, read.Capabilities, read.Insist), Is.EqualTo(("/", string.Empty, false)));

        var expectedOk = Bytes.Hex("01 0000 00000005 000A 0029 00 CE");
        AssertFrame(0, new ConnectionOpenOk(), expectedOk);
        Assert.That(ReadBack<ConnectionOpenOk>(expectedOk, 0).KnownHosts, Is.Empty);
    }

    [Test]
    public void Queue_declare_with_an_arguments_table()
    {
        var arguments = new Dictionary<string, object?>
        {
            ["x-max-length"] = 1000,
            ["x-queue-type"] = "classic",
            ["x-dead-letter-exchange"] = "dlx",
        };
        var method = new QueueDeclare { Queue = "tasks", Durable = true, Arguments = arguments };
        var expected = Bytes.Of(
            0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 91,     // channel 1, size 4 + 87
            0x00, 0x32, 0x00, 0x0A,                     // queue.declare (50, 10)
            0x00, 0x00,                                 // reserved-1 (ticket)
            5, "tasks",
            0x02,                                       // durable
            0x00, 0x00, 0x00, 74,                       // arguments: 18 + 25 + 31
            12, "x-max-length", "I", 0x00, 0x00, 0x03, 0xE8,
            12, "x-queue-type", "S", 0x00, 0x00, 0x00, 7, "classic",
            22, "x-dead-letter-exchange", "S", 0x00, 0x00, 0x00, 3, "dlx",
            0xCE);

        AssertFrame(1, method, expected);
        var read = ReadBack<QueueDeclare>(expected, 1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Queue, Is.EqualTo("tasks"));
            Assert.That((read.Passive, read.Durable, read.Exclusive, read.AutoDelete, read.NoWait), Is.EqualTo((false, true, false, false, false)));
            Assert.That(read.Arguments, Is.EqualTo(arguments));
            Assert.That(read.Arguments.Keys, Is.EqualTo(arguments.Keys), "table order kept");
        }
    }

    [Test]
    public void Queue_declare_ok()
    {
        var method = new QueueDeclareOk { Queue = "amq.gen-A", MessageCount = 3, ConsumerCount = 1 };
        var expected = Bytes.Of(
            0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 22,
            0x00, 0x32, 0x00, 0x0B,
            9, "amq.gen-A",
            0x00, 0x00, 0x00, 0x03,
            0x00, 0x00, 0x00, 0x01,
            0xCE);
        AssertFrame(1, method, expected);
        var read = ReadBack<QueueDeclareOk>(expected, 1);
        Assert.That((read.Queue, read.MessageCount, read.ConsumerCount), Is.EqualTo(("amq.gen-A", 3u, 1u)));
    }

    [Test]
    public void Basic_publish_followed_by_its_content_header_and_body()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMethod(output, 1, new BasicPublish { Exchange = string.Empty, RoutingKey = "tasks" });
        var properties = new BasicProperties { ContentType = "text/plain", DeliveryMode = 2 }.Encode();
        FrameWriter.WriteContentHeader(output, 1, 5, properties);
        FrameWriter.WriteBody(output, 1, "hello"u8, 131072);

        var expected = Bytes.Of(
            // method frame: basic.publish (60, 40), ticket 0, exchange "", routing-key "tasks", no bits
            0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 14,
            0x00, 0x3C, 0x00, 0x28, 0x00, 0x00, 0, 5, "tasks", 0x00,
            0xCE,
            // content header frame: class 60, weight 0, body size 5, flags 0x9000, "text/plain", 2
            0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 26,
            0x00, 0x3C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
            0x90, 0x00, 10, "text/plain", 0x02,
            0xCE,
            // body frame
            0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 5, "hello", 0xCE);

        Assert.That(Bytes.ToHex(output.WrittenSpan), Is.EqualTo(Bytes.ToHex(expected)));

        var buffer = new ReadOnlySequence<byte>(expected);
        var publish = ReadMethod<BasicPublish>(ref buffer, 1);
        Assert.That((publish.Exchange, publish.RoutingKey, publish.Mandatory, publish.Immediate), Is.EqualTo((string.Empty, "tasks", false, false)));

        Assert.That(FrameReader.TryReadFrame(ref buffer, 131072, out var headerFrame), Is.True);
        var header = ContentHeader.Parse(headerFrame.Payload.ToArray());
        Assert.That((headerFrame.Type, header.ClassId, header.BodySize), Is.EqualTo((FrameType.Header, (ushort)60, 5UL)));
        Assert.That(BasicProperties.Decode(header.Properties).ContentType, Is.EqualTo("text/plain"));

        Assert.That(FrameReader.TryReadFrame(ref buffer, 131072, out var bodyFrame), Is.True);
        Assert.That((bodyFrame.Type, bodyFrame.Payload.ToArray()), Is.EqualTo((FrameType.Body, "hello"u8.ToArray())));
        Assert.That(buffer.Length, Is.Zero);
    }

    [Test]
    public void Basic_deliver()
    {
        var method = new BasicDeliver
        {
            ConsumerTag = "amq.ctag-1",
            DeliveryTag = 1,
            Redelivered = false,
            Exchange = string.Empty,
            RoutingKey = "tasks",
        };
        var expected = Bytes.Of(
            0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 31,     // size 4 + 27
            0x00, 0x3C, 0x00, 0x3C,                     // basic.deliver (60, 60)
            10, "amq.ctag-1",
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
            0x00,                                       // redelivered
            0,                                          // exchange ""
            5, "tasks",
            0xCE);

        AssertFrame(1, method, expected);
        var read = ReadBack<BasicDeliver>(expected, 1);
        Assert.That(
            (read.ConsumerTag, read.DeliveryTag, read.Redelivered, read.Exchange, read.RoutingKey),
            Is.EqualTo(("amq.ctag-1", 1UL, false, string.Empty, "tasks")));
    }

    [Test]
    public void Basic_ack_multiple_on_a_high_channel()
    {
        var method = new BasicAck { DeliveryTag = 0x1_0000_0005, Multiple = true };
        var expected = Bytes.Hex("01 0800 0000000D 003C 0050 0000000100000005 01 CE");

        AssertFrame(2048, method, expected);
        var read = ReadBack<BasicAck>(expected, 2048);
        Assert.That((read.DeliveryTag, read.Multiple), Is.EqualTo((0x1_0000_0005UL, true)));
    }

    [Test]
    public void Channel_close_and_close_ok()
    {
        var method = new ChannelClose
        {
            ReplyCode = 404,
            ReplyText = "NOT_FOUND - no queue 'nope' in vhost '/'",
            ClassId = 50,
            MethodId = 10,
        };
        var expected = Bytes.Of(
            0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 51,     // size 4 + 2 + 41 + 4
            0x00, 0x14, 0x00, 0x28,                     // channel.close (20, 40)
            0x01, 0x94,                                 // 404
            40, "NOT_FOUND - no queue 'nope' in vhost '/'",
            0x00, 0x32, 0x00, 0x0A,                     // caused by queue.declare (50, 10)
            0xCE);

        AssertFrame(1, method, expected);
        var read = ReadBack<ChannelClose>(expected, 1);
        Assert.That(
            (read.ReplyCode, read.ReplyText, read.ClassId, read.MethodId),
            Is.EqualTo(((ushort)404, "NOT_FOUND - no queue 'nope' in vhost '/'", (ushort)50, (ushort)10)));

        var expectedOk = Bytes.Hex("01 0001 00000004 0014 0029 CE");
        AssertFrame(1, new ChannelCloseOk(), expectedOk);
        ReadBack<ChannelCloseOk>(expectedOk, 1);
    }

    [Test]
    public void Method_frame_for_another_method_is_not_read_as_this_one()
    {
        var frame = Bytes.Hex("01 0001 00000004 0014 0029 CE");   // channel.close-ok
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.That(FrameReader.TryReadFrame(ref buffer, 4096, out var read), Is.True);
        var payload = read.Payload.ToArray();
        var id = ((uint)((payload[0] << 8) | payload[1]) << 16) | (uint)((payload[2] << 8) | payload[3]);
        Assert.That(id, Is.EqualTo(ChannelCloseOk.CommandId).And.Not.EqualTo(ChannelClose.CommandId));
    }

    private static void AssertFrame<T>(ushort channel, in T method, byte[] expected) where T : struct, IAmqpMethod<T>
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMethod(output, channel, method);
        Assert.That(Bytes.ToHex(output.WrittenSpan), Is.EqualTo(Bytes.ToHex(expected)), $"{typeof(T).Name} frame");
    }

    private static T ReadBack<T>(byte[] wire, ushort channel) where T : struct, IAmqpMethod<T>
    {
        var buffer = new ReadOnlySequence<byte>(wire);
        var method = ReadMethod<T>(ref buffer, channel);
        Assert.That(buffer.Length, Is.Zero, "one frame exactly");
        return method;
    }

    private static T ReadMethod<T>(ref ReadOnlySequence<byte> buffer, ushort channel) where T : struct, IAmqpMethod<T>
    {
        Assert.That(FrameReader.TryReadFrame(ref buffer, 131072, out var frame), Is.True);
        Assert.That((frame.Type, frame.Channel), Is.EqualTo((FrameType.Method, channel)));

        var payload = frame.Payload.ToArray();
        var reader = new AmqpReader(payload);
        Assert.That((reader.ReadShort(), reader.ReadShort()), Is.EqualTo((T.ClassId, T.MethodId)), "class and method ids");
        var method = T.Read(ref reader);
        Assert.That(reader.Remaining, Is.Zero, $"{typeof(T).Name}.Read left bytes unread");
        return method;
    }
}
