namespace AmqpBroker.InteropTests.Amqp;

/// <summary>
/// After connection.close-ok the broker keeps reading, and drops, what the client still sends until the client
/// closes its side (rabbit_reader:close_connection; RabbitMQ 3.10.8 checked with raw frames), so a client still
/// flushing publishes it wrote before its close does not run into a closed socket (EPIPE, reset).
/// </summary>
public sealed class CloseDrainTests : BrokerTestBase
{
    private const int Publishes = 2000;

    private static readonly byte[] Close = Frame(1, 0, new ArgWriter().Short(10).Short(50).Short(200).ShortStr("bye").Short(0).Short(0).ToArray());

    [Test]
    public async Task Publishes_still_flushing_after_connection_close_meet_an_open_socket()
    {
        var setup = await OpenChannelAsync();
        var queue = (await setup.QueueDeclareAsync(Track(UniqueName()), durable: true, exclusive: false, autoDelete: false)).QueueName;
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);

        // 2000 publishes and connection.close in one write, then more publishes the client was still flushing:
        // the broker must still be reading (a repeated close is answered), not have closed the socket under them.
        var bytes = new List<byte>();
        AddPublishes(bytes, queue, Publishes);
        bytes.AddRange(Close);
        await raw.SendBytesAsync([.. bytes]);
        await raw.ExpectMethodAsync(0, 10, 51);
        bytes.Clear();
        AddPublishes(bytes, queue, 200);
        bytes.AddRange(Close);
        await raw.SendBytesAsync([.. bytes]);

        await raw.ExpectMethodAsync(0, 10, 51);
        Assert.That(await setup.MessageCountAsync(queue), Is.EqualTo((uint)Publishes), "what came before connection.close, nothing after it");
    }

    [Test]
    public async Task After_close_ok_frames_are_dropped_another_close_is_answered_and_close_ok_ends_it()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);

        await raw.SendMethodAsync(0, 10, 50, w => w.Short(200).ShortStr("bye").Short(0).Short(0));
        await raw.ExpectMethodAsync(0, 10, 51);
        await raw.PublishAsync(1, string.Empty, "nowhere", "late"u8.ToArray());
        await raw.SendMethodAsync(0, 10, 50, w => w.Short(200).ShortStr("again").Short(0).Short(0));
        await raw.ExpectMethodAsync(0, 10, 51);
        await raw.SendMethodAsync(0, 10, 51);

        Assert.That(await raw.ReadFrameAsync().ContinueWith(t => t.Exception?.InnerException), Is.InstanceOf<IOException>(), "the broker closes the socket on close-ok (RabbitMQ with a reset, linger 0)");
    }

    private static void AddPublishes(List<byte> bytes, string queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            bytes.AddRange(Frame(1, 1, new ArgWriter().Short(60).Short(40).Short(0).ShortStr(string.Empty).ShortStr(queue).Octet(0).ToArray()));
            bytes.AddRange(Frame(2, 1, new ArgWriter().Short(60).Short(0).LongLong(1).Short(0).ToArray()));
            bytes.AddRange(Frame(3, 1, "m"u8.ToArray()));
        }
    }

    private static byte[] Frame(byte type, ushort channel, byte[] payload)
    {
        var frame = new byte[payload.Length + 8];
        frame[0] = type;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), channel);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), (uint)payload.Length);
        payload.CopyTo(frame, 7);
        frame[^1] = 0xCE;
        return frame;
    }
}
