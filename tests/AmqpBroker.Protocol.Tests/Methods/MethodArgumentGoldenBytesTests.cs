using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Methods;

/// <summary>
/// Method arguments against bytes worked out by hand from the 0-9-1 spec (big-endian integers, shortstr =
/// length octet + UTF-8, longstr/table = 32-bit length + body, bits packed lowest first into one octet).
/// </summary>
[TestFixture]
public sealed class MethodArgumentGoldenBytesTests
{
    [Test]
    public void Queue_declare_with_flags_and_arguments()
    {
        var method = new QueueDeclare
        {
            Queue = "orders",
            Durable = true,
            AutoDelete = true,
            Arguments = new Dictionary<string, object?> { ["x-message-ttl"] = 60000 },
        };
        var expected = Bytes.Of(
            0x00, 0x00,                 // ticket
            6, "orders",                // queue
            0x0A,                       // passive 0x01, durable 0x02, exclusive 0x04, auto-delete 0x08, nowait 0x10
            0x00, 0x00, 0x00, 19,       // table length: 1 + 13 + 1 + 4
            13, "x-message-ttl", "I", 0x00, 0x00, 0xEA, 0x60);

        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));

        var read = MethodCodec.Decode<QueueDeclare>(expected);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Ticket, Is.Zero);
            Assert.That(read.Queue, Is.EqualTo("orders"));
            Assert.That(read.Passive, Is.False);
            Assert.That(read.Durable, Is.True);
            Assert.That(read.Exclusive, Is.False);
            Assert.That(read.AutoDelete, Is.True);
            Assert.That(read.NoWait, Is.False);
            Assert.That(read.Arguments, Is.EqualTo(new Dictionary<string, object?> { ["x-message-ttl"] = 60000 }));
        }
    }

    [Test]
    public void Queue_declare_passive_exclusive_nowait()
    {
        var expected = Bytes.Of(0x00, 0x00, 1, "q", 0x15, 0x00, 0x00, 0x00, 0x00);
        var method = new QueueDeclare { Queue = "q", Passive = true, Exclusive = true, NoWait = true };

        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));
        var read = MethodCodec.Decode<QueueDeclare>(expected);
        Assert.That((read.Passive, read.Durable, read.Exclusive, read.AutoDelete, read.NoWait), Is.EqualTo((true, false, true, false, true)));
        Assert.That(read.Arguments, Is.Empty);
    }

    [Test]
    public void Basic_publish()
    {
        var expected = Bytes.Of(0x00, 0x00, 10, "amq.direct", 2, "rk", 0x01);
        var method = new BasicPublish { Exchange = "amq.direct", RoutingKey = "rk", Mandatory = true };

        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));
        var read = MethodCodec.Decode<BasicPublish>(expected);
        Assert.That((read.Exchange, read.RoutingKey, read.Mandatory, read.Immediate), Is.EqualTo(("amq.direct", "rk", true, false)));
    }

    [Test]
    public void Basic_publish_immediate_is_the_second_bit()
    {
        var expected = Bytes.Of(0x00, 0x00, 0, 0, 0x02);
        Assert.That(MethodCodec.Encode(new BasicPublish { Immediate = true }), Is.EqualTo(expected));
        Assert.That(MethodCodec.Decode<BasicPublish>(expected).Immediate, Is.True);
    }

    [Test]
    public void Basic_deliver()
    {
        var expected = Bytes.Of(
            4, "ctag",
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, // delivery-tag
            0x01,                                           // redelivered
            2, "ex",
            3, "key");
        var method = new BasicDeliver
        {
            ConsumerTag = "ctag",
            DeliveryTag = 0x0102030405060708,
            Redelivered = true,
            Exchange = "ex",
            RoutingKey = "key",
        };

        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));
        var read = MethodCodec.Decode<BasicDeliver>(expected);
        Assert.That(
            (read.ConsumerTag, read.DeliveryTag, read.Redelivered, read.Exchange, read.RoutingKey),
            Is.EqualTo(("ctag", 0x0102030405060708UL, true, "ex", "key")));
    }

    [Test]
    public void Connection_tune()
    {
        var expected = Bytes.Of(0x07, 0xFF, 0x00, 0x02, 0x00, 0x00, 0x00, 0x3C);
        var method = new ConnectionTune { ChannelMax = 2047, FrameMax = 131072, Heartbeat = 60 };

        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));
        var read = MethodCodec.Decode<ConnectionTune>(expected);
        Assert.That((read.ChannelMax, read.FrameMax, read.Heartbeat), Is.EqualTo(((ushort)2047, 131072u, (ushort)60)));
    }

    [Test]
    public void Connection_close()
    {
        var expected = Bytes.Of(
            0x02, 0x12,                     // 530 NOT_ALLOWED
            22, "NOT_ALLOWED - no vhost",
            0x00, 0x0A,                     // failing class: connection
            0x00, 0x28);                    // failing method: open (40)
        var method = new ConnectionClose
        {
            ReplyCode = (ushort)ReplyCode.NotAllowed,
            ReplyText = "NOT_ALLOWED - no vhost",
            ClassId = 10,
            MethodId = 40,
        };

        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));
        var read = MethodCodec.Decode<ConnectionClose>(expected);
        Assert.That((read.ReplyCode, read.ReplyText, read.ClassId, read.MethodId), Is.EqualTo(((ushort)530, "NOT_ALLOWED - no vhost", (ushort)10, (ushort)40)));
    }

    [Test]
    public void Connection_closes_own_ids_stay_reachable_through_the_interface()
    {
        // Its class-id/method-id arguments take the plain property names, so the struct's own ids are explicit.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MethodCodec.ClassIdOf<ConnectionClose>(), Is.EqualTo(10));
            Assert.That(MethodCodec.MethodIdOf<ConnectionClose>(), Is.EqualTo(50));
            Assert.That(ConnectionClose.CommandId, Is.EqualTo(CommandIds.ConnectionClose));
            Assert.That(MethodCodec.ClassIdOf<ChannelClose>(), Is.EqualTo(20));
            Assert.That(MethodCodec.MethodIdOf<ChannelClose>(), Is.EqualTo(40));
        }
    }

    [TestCase(false, new byte[] { 0, 0, 0, 0, 0, 0, 0, 42, 0x00 })]
    [TestCase(true, new byte[] { 0, 0, 0, 0, 0, 0, 0, 42, 0x01 })]
    public void Basic_ack(bool multiple, byte[] expected)
    {
        Assert.That(MethodCodec.Encode(new BasicAck { DeliveryTag = 42, Multiple = multiple }), Is.EqualTo(expected));
        var read = MethodCodec.Decode<BasicAck>(expected);
        Assert.That((read.DeliveryTag, read.Multiple), Is.EqualTo((42UL, multiple)));
    }

    [TestCase(false, false, 0x00)]
    [TestCase(true, false, 0x01)]
    [TestCase(false, true, 0x02)]
    [TestCase(true, true, 0x03)]
    public void Basic_nack_bits(bool multiple, bool requeue, int octet)
    {
        var expected = Bytes.Of(0, 0, 0, 0, 0, 0, 0x01, 0x00, octet);
        var method = new BasicNack { DeliveryTag = 256, Multiple = multiple, Requeue = requeue };

        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));
        var read = MethodCodec.Decode<BasicNack>(expected);
        Assert.That((read.DeliveryTag, read.Multiple, read.Requeue), Is.EqualTo((256UL, multiple, requeue)));
    }

    [TestCase(true, false, false, false, false, 0x01)]
    [TestCase(false, true, false, false, false, 0x02)]
    [TestCase(false, false, true, false, false, 0x04)]
    [TestCase(false, false, false, true, false, 0x08)]
    [TestCase(false, false, false, false, true, 0x10)]
    [TestCase(true, false, true, false, true, 0x15)]
    [TestCase(true, true, true, true, true, 0x1F)]
    public void Exchange_declare_packs_five_bits_into_one_octet(bool passive, bool durable, bool autoDelete, bool @internal, bool noWait, int octet)
    {
        var expected = Bytes.Of(
            0x00, 0x00,
            4, "logs",
            6, "fanout",
            octet,
            0x00, 0x00, 0x00, 0x00);    // empty arguments table
        var method = new ExchangeDeclare
        {
            Exchange = "logs",
            Type = "fanout",
            Passive = passive,
            Durable = durable,
            AutoDelete = autoDelete,
            Internal = @internal,
            NoWait = noWait,
        };

        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));
        var read = MethodCodec.Decode<ExchangeDeclare>(expected);
        Assert.That(
            (read.Exchange, read.Type, read.Passive, read.Durable, read.AutoDelete, read.Internal, read.NoWait),
            Is.EqualTo(("logs", "fanout", passive, durable, autoDelete, @internal, noWait)));
    }

    [Test]
    public void Connection_start_ok_with_a_table_and_a_long_string()
    {
        var expected = Bytes.Of(
            0x00, 0x00, 0x00, 18,       // client-properties: 1 + 7 + 1 + 4 + 5
            7, "product", "S", 0x00, 0x00, 0x00, 0x05, "pika!",
            5, "PLAIN",
            0x00, 0x00, 0x00, 0x0C, "\0guest\0guest",
            5, "en_US");
        var method = new ConnectionStartOk
        {
            ClientProperties = new Dictionary<string, object?> { ["product"] = "pika!" },
            Mechanism = "PLAIN",
            Response = System.Text.Encoding.UTF8.GetBytes("\0guest\0guest"),
            Locale = "en_US",
        };

        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));
        var read = MethodCodec.Decode<ConnectionStartOk>(expected);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.ClientProperties, Is.EqualTo(new Dictionary<string, object?> { ["product"] = "pika!" }));
            Assert.That(read.Mechanism, Is.EqualTo("PLAIN"));
            Assert.That(read.Response, Is.EqualTo(System.Text.Encoding.UTF8.GetBytes("\0guest\0guest")));
            Assert.That(read.Locale, Is.EqualTo("en_US"));
        }
    }

    [Test]
    public void A_short_strings_size_counts_UTF8_bytes_not_chars()
    {
        var expected = Bytes.Of(5, "ü-é");   // ü and é are two bytes each in UTF-8
        var method = new BasicConsumeOk { ConsumerTag = "ü-é" };

        Assert.That(method.ArgumentsSize, Is.EqualTo(6));
        Assert.That(MethodCodec.Encode(method), Is.EqualTo(expected));
        Assert.That(MethodCodec.Decode<BasicConsumeOk>(expected).ConsumerTag, Is.EqualTo("ü-é"));
    }

    [Test]
    public void Methods_without_arguments_are_empty()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MethodCodec.Encode(new TxSelectOk()), Is.Empty);
            Assert.That(MethodCodec.Encode(new ConnectionUpdateSecretOk()), Is.Empty);
            Assert.That(MethodCodec.Decode<BasicQosOk>([]), Is.EqualTo(default(BasicQosOk)));
        }
    }

    [Test]
    public void Confirm_select_nowait()
    {
        Assert.That(MethodCodec.Encode(new ConfirmSelect { NoWait = true }), Is.EqualTo(Bytes.Of(0x01)));
        Assert.That(MethodCodec.Decode<ConfirmSelect>(Bytes.Of(0x01)).NoWait, Is.True);
    }

    [Test]
    public void Truncated_arguments_throw_AmqpFormatException()
    {
        var truncated = Bytes.Of(0x00, 0x00, 10, "amq.dir");
        Assert.That(() => MethodCodec.Decode<BasicPublish>(truncated), Throws.TypeOf<AmqpFormatException>());
    }
}
