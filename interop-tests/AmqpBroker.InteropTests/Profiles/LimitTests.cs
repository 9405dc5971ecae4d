using System.Buffers.Binary;
using System.Net.Sockets;

namespace AmqpBroker.InteropTests.Profiles;

/// <summary>
/// Limits whose defaults changed: <c>max_message_size</c> is 128 MiB in 3.x and 16 MiB from 4.0
/// (release-notes/4.0.1.md, breaking changes), and the largest frame accepted before the handshake's tune-ok is
/// 4096 bytes up to 4.0 and 8192 from 4.1 (release-notes/4.1.0.md, "Initial AMQP 0-9-1 Maximum Frame Size").
/// The 3.10 case also runs against RabbitMQ 3.10.8.
/// </summary>
[Releases("3.10", "4.0", "4.1")]
public sealed class LimitTests : BrokerTestBase
{
    private const int SixteenMiB = 16 * 1024 * 1024;

    [Test]
    public async Task A_body_over_16_MiB_is_refused_from_4_0()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: false)).QueueName;
        var body = new byte[SixteenMiB + 1];

        if (Profile.DefaultMaxMessageSize > SixteenMiB)
        {
            await channel.BasicPublishAsync(string.Empty, queue, body);
            Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1));
            return;
        }

        var reason = await ExpectClosedAsync(
            () => channel.BasicPublishAsync(string.Empty, queue, body).AsTask(),
            406,
            $"PRECONDITION_FAILED - message size {SixteenMiB + 1} is larger than configured max size {SixteenMiB}");
        AssertFailedMethod(reason, 60, 40);
    }

    [TestCase(4096)]
    [TestCase(4097)]
    [TestCase(8192)]
    [TestCase(8193)]
    public async Task Before_tune_ok_a_frame_is_accepted_up_to_the_releases_limit(int payloadSize)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(AmqpUri.Host, AmqpUri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray());
        await ReadFrameAsync(stream);

        await stream.WriteAsync(StartOkFrame(payloadSize));

        // rabbit_reader:handle_input(frame_header): a payload over frame_max - 8 + 8 (FRAME_SIZE_FUDGE) is frame_too_large.
        var accepted = payloadSize <= Profile.PreAuthenticationFrameMax;
        var answer = await ReadFrameAsync(stream);
        Assert.That(answer, accepted ? Is.EqualTo((1, 10, 30)) : Is.Null, accepted ? "connection.tune" : "the socket closed without connection.close");
    }

    /// <summary>connection.start-ok for guest whose client properties pad the frame payload to exactly <paramref name="payloadSize"/> bytes.</summary>
    private static byte[] StartOkFrame(int payloadSize)
    {
        // Method ids (4) + table (4 + "\u0001p" + 'S' + 4 + n) + mechanism "PLAIN" (6) + response (4 + 12) + locale "en_US" (6).
        var padding = payloadSize - (4 + 4 + 2 + 1 + 4 + 6 + 16 + 6);
        var table = new ArgWriter().ShortStr("p").Octet((byte)'S').LongStr(Encoding.ASCII.GetBytes(new string('x', padding))).ToArray();
        var payload = new ArgWriter().Short(10).Short(11).LongStr(table).ShortStr("PLAIN").LongStr("\0guest\0guest"u8.ToArray()).ShortStr("en_US").ToArray();
        Assert.That(payload, Has.Length.EqualTo(payloadSize));
        var frame = new byte[payload.Length + 8];
        frame[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), (uint)payload.Length);
        payload.CopyTo(frame, 7);
        frame[^1] = 0xCE;
        return frame;
    }

    /// <summary>The next frame's type, class and method, or null when the server closed the socket.</summary>
    private static async Task<(int Type, int ClassId, int MethodId)?> ReadFrameAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var header = new byte[7];
        try
        {
            await stream.ReadExactlyAsync(header, timeout.Token);
            var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(3)) + 1];
            await stream.ReadExactlyAsync(payload, timeout.Token);
            return (header[0], BinaryPrimitives.ReadUInt16BigEndian(payload), BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(2)));
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return null;
        }
    }
}
