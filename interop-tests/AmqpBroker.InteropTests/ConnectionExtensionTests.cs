using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Hosting;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests;

/// <summary>
/// RabbitMQ's connection-level extensions and limits: channel_max, frame_max, channel.flow,
/// connection.blocked/unblocked, update-secret. Methods RabbitMQ.Client 7 cannot send (channel.flow,
/// oversized frames, more channels than negotiated) go through <see cref="RawClient"/>.
/// </summary>
[TestFixture]
public sealed class ConnectionExtensionTests : BrokerTestBase
{
    [Test]
    public async Task Opening_more_channels_than_the_negotiated_channel_max_closes_the_connection_with_NOT_ALLOWED()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri, channelMax: 2);
        Assert.That(raw.ChannelMax, Is.EqualTo((ushort)2));
        await raw.OpenChannelAsync(1);
        await raw.OpenChannelAsync(2);

        await raw.SendMethodAsync(3, 20, 10, w => w.ShortStr(string.Empty));
        var close = await raw.ExpectConnectionCloseAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(close.ReplyCode, Is.EqualTo(530));
            Assert.That(close.ReplyText, Is.EqualTo("NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)"));
        }
    }

    [Test]
    public async Task A_channel_closed_under_channel_max_frees_its_slot()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri, channelMax: 1);
        await raw.OpenChannelAsync(1);
        await raw.SendMethodAsync(1, 20, 40, w => w.Short(200).ShortStr("bye").Short(0).Short(0));
        await raw.ExpectMethodAsync(1, 20, 41);
        await raw.OpenChannelAsync(1);

        await raw.SendMethodAsync(2, 20, 10, w => w.ShortStr(string.Empty));
        var close = await raw.ExpectConnectionCloseAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(close.ReplyCode, Is.EqualTo(530));
            Assert.That(close.ReplyText, Is.EqualTo("NOT_ALLOWED - number of channels opened (1) has reached the negotiated channel_max (1)"));
        }
    }

    [Test]
    public async Task The_client_library_refuses_a_channel_beyond_its_requested_channel_max()
    {
        var connection = await ConnectAsync(f => f.RequestedChannelMax = 2);
        Assert.That(connection.ChannelMax, Is.EqualTo((ushort)2));
        await connection.CreateChannelAsync();
        await connection.CreateChannelAsync();

        await Assert.ThatAsync(async () => await connection.CreateChannelAsync(), Throws.InstanceOf<ChannelAllocationException>());
        Assert.That(connection.IsOpen, Is.True);
    }

    [Test]
    public async Task A_low_server_channel_max_is_what_the_client_gets_and_enforced()
    {
        if (IsExternal)
        {
            Assert.Ignore("needs the in-process broker");
        }

        await using var host = await BrokerHost.StartAsync(new BrokerOptions
        {
            Port = 0,
            Bind = "127.0.0.1",
            InMemory = true,
            Settings = new BrokerSettings { ChannelMax = 3 },
        });

        var factory = CreateFactory();
        factory.Uri = host.AmqpUri;
        await using var connection = await factory.CreateConnectionAsync();
        Assert.That(connection.ChannelMax, Is.EqualTo((ushort)3));

        // A client asking for more than the server proposed is refused in tune-ok, as RabbitMQ does.
        await using var raw = await RawClient.ConnectAsync(host.AmqpUri, channelMax: 3);
        for (ushort i = 1; i <= 3; i++)
        {
            await raw.OpenChannelAsync(i);
        }

        await raw.SendMethodAsync(4, 20, 10, w => w.ShortStr(string.Empty));
        var close = await raw.ExpectConnectionCloseAsync();
        Assert.That(close.ReplyCode, Is.EqualTo(530));
    }

    [Test]
    public async Task A_frame_larger_than_the_negotiated_frame_max_closes_the_connection_with_FRAME_ERROR()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri, frameMax: 4096);
        Assert.That(raw.FrameMax, Is.EqualTo(4096u));
        await raw.OpenChannelAsync(1);

        await raw.SendMethodAsync(1, 60, 40, w => w.Short(0).ShortStr(string.Empty).ShortStr("nowhere").Octet(0));
        await raw.SendContentHeaderAsync(1, 60, 64 * 1024);
        await raw.SendFrameAsync(3, 1, new byte[64 * 1024]);

        var close = await raw.ExpectConnectionCloseAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(close.ReplyCode, Is.EqualTo(501));
            Assert.That(close.ReplyText, Does.StartWith("FRAME_ERROR"));
        }
    }

    [Test]
    public async Task Bodies_are_split_at_a_small_negotiated_frame_max()
    {
        var connection = await ConnectAsync(f => f.RequestedFrameMax = 4096);
        Assert.That(connection.FrameMax, Is.EqualTo(4096u));
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var body = new byte[100_000];
        new Random(7).NextBytes(body);

        await channel.BasicPublishAsync(string.Empty, queue, body);
        var got = await GetEventuallyAsync(channel, queue);

        Assert.That(got.Body.ToArray(), Is.EqualTo(body));
    }

    [Test]
    public async Task Channel_flow_active_true_is_answered_with_flow_ok()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);

        await raw.SendMethodAsync(1, 20, 20, w => w.Octet(1));
        var ok = await raw.ExpectMethodAsync(1, 20, 21);

        Assert.That(ok.Args[0], Is.EqualTo((byte)1), "flow-ok active");
    }

    [Test]
    public async Task Channel_flow_active_false_closes_the_connection_with_NOT_IMPLEMENTED()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);

        await raw.SendMethodAsync(1, 20, 20, w => w.Octet(0));
        var close = await raw.ExpectConnectionCloseAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(close.ReplyCode, Is.EqualTo(540));
            Assert.That(close.ReplyText, Is.EqualTo("NOT_IMPLEMENTED - active=false"));
            Assert.That(close.ClassId, Is.EqualTo((ushort)20));
            Assert.That(close.MethodId, Is.EqualTo((ushort)20));
        }
    }

    [Test]
    public async Task Resource_alarm_blocks_a_publishing_connection_and_releases_it_when_cleared()
    {
        if (IsExternal)
        {
            Assert.Ignore("needs the in-process broker");
        }

        var publisherConnection = await ConnectAsync();
        var blocked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var unblocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        publisherConnection.ConnectionBlockedAsync += (_, args) =>
        {
            blocked.TrySetResult(args.Reason);
            return Task.CompletedTask;
        };
        publisherConnection.ConnectionUnblockedAsync += (_, _) =>
        {
            unblocked.TrySetResult();
            return Task.CompletedTask;
        };
        var publisher = await publisherConnection.CreateChannelAsync();
        var observer = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(observer);

        Host!.Broker.Alarm.Raise("low on memory");
        try
        {
            await PublishAsync(publisher, queue, "held");

            Assert.That(await blocked.Task.WaitAsync(Timeout), Is.EqualTo("low on memory"));
            await Task.Delay(QuietPeriod);
            Assert.That(await observer.MessageCountAsync(queue), Is.Zero, "the publish is held while the alarm is raised");
            Assert.That(unblocked.Task.IsCompleted, Is.False);
        }
        finally
        {
            Host.Broker.Alarm.Clear();
        }

        await unblocked.Task.WaitAsync(Timeout);
        var got = await GetEventuallyAsync(observer, queue);
        Assert.That(Text(got.Body), Is.EqualTo("held"));
        Assert.That(publisherConnection.IsOpen, Is.True);
    }

    [Test]
    public async Task Resource_alarm_does_not_block_connections_that_only_consume()
    {
        if (IsExternal)
        {
            Assert.Ignore("needs the in-process broker");
        }

        var setup = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(setup);
        await PublishAsync(setup, queue, "before the alarm");

        var consumerConnection = await ConnectAsync();
        var blocked = false;
        consumerConnection.ConnectionBlockedAsync += (_, _) =>
        {
            blocked = true;
            return Task.CompletedTask;
        };
        var channel = await consumerConnection.CreateChannelAsync();

        Host!.Broker.Alarm.Raise("low on disk");
        try
        {
            var consumer = new CollectingConsumer(channel);
            await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
            var delivery = await consumer.NextAsync(Timeout);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            Assert.That(await EventuallyAsync(async () => await setup.MessageCountAsync(queue) == 0 && await setup.ConsumerCountAsync(queue) == 1), Is.True);
            Assert.That(blocked, Is.False, "connection.blocked is sent only to connections that publish");
        }
        finally
        {
            Host.Broker.Alarm.Clear();
        }
    }

    /// <remarks>
    /// Sent raw: RabbitMQ.Client 7.1.2's <c>IConnection.UpdateSecretAsync</c> fails against RabbitMQ too
    /// ("Received unexpected command of type ConnectionOpenOk") because CreateConnectionAsync does not wait
    /// for connection.open-ok (rabbitmq-dotnet-client#1999), so its first channel-0 RPC receives it.
    /// </remarks>
    [Test]
    public async Task Update_secret_is_answered_with_update_secret_ok_and_the_connection_stays_usable()
    {
        var password = CreateFactory().Password;
        await using var raw = await RawClient.ConnectAsync(AmqpUri);

        await raw.SendMethodAsync(0, 10, 70, w => w.LongStr(Encoding.UTF8.GetBytes(password)).ShortStr("token refresh"));
        await raw.ExpectMethodAsync(0, 10, 71);

        await raw.OpenChannelAsync(1);
        var queue = Track(UniqueName());
        await raw.SendMethodAsync(1, 50, 10, w => w.Short(0).ShortStr(queue).Octet(0).EmptyTable());
        var declareOk = await raw.ExpectMethodAsync(1, 50, 11);
        Assert.That(Encoding.UTF8.GetString(declareOk.Args, 1, declareOk.Args[0]), Is.EqualTo(queue));
    }

    private static async Task<BasicGetResult> GetEventuallyAsync(IChannel channel, string queue)
    {
        BasicGetResult? result = null;
        var arrived = await EventuallyAsync(async () => (result = await channel.BasicGetAsync(queue, autoAck: true)) is not null);
        Assert.That(arrived, Is.True, $"nothing arrived in {queue}");
        return result!;
    }

    /// <summary>One method frame as read off the wire.</summary>
    internal sealed record RawMethod(ushort Channel, ushort ClassId, ushort MethodId, byte[] Args);

    /// <summary>A frame as read off the wire.</summary>
    internal sealed record RawFrame(byte Type, ushort Channel, byte[] Payload);

    /// <summary>The arguments of connection.close or channel.close.</summary>
    internal sealed record RawClose(ushort ReplyCode, string ReplyText, ushort ClassId, ushort MethodId);

    /// <summary>Big-endian writer for method arguments.</summary>
    internal sealed class ArgWriter
    {
        private readonly List<byte> _bytes = [];

        public byte[] ToArray() => [.. _bytes];

        public ArgWriter Octet(byte value)
        {
            _bytes.Add(value);
            return this;
        }

        public ArgWriter Short(ushort value)
        {
            _bytes.Add((byte)(value >> 8));
            _bytes.Add((byte)value);
            return this;
        }

        public ArgWriter Long(uint value)
        {
            Short((ushort)(value >> 16));
            return Short((ushort)value);
        }

        public ArgWriter LongLong(ulong value)
        {
            Long((uint)(value >> 32));
            return Long((uint)value);
        }

        public ArgWriter ShortStr(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            _bytes.Add((byte)bytes.Length);
            _bytes.AddRange(bytes);
            return this;
        }

        public ArgWriter LongStr(byte[] value)
        {
            Long((uint)value.Length);
            _bytes.AddRange(value);
            return this;
        }

        public ArgWriter EmptyTable() => Long(0);
    }

    /// <summary>
    /// A bare AMQP 0-9-1 client on a socket, for what RabbitMQ.Client 7 cannot send: channel.flow,
    /// basic.recover, the immediate flag, oversized frames, channels beyond channel_max, confirm.select
    /// after tx.select. It negotiates the given channel_max/frame_max (0: the server's proposal) and no heartbeats.
    /// </summary>
    internal sealed class RawClient : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private NetworkStream _stream = null!;

        private RawClient(TcpClient tcp)
        {
            _tcp = tcp;
        }

        public ushort ChannelMax { get; private set; }

        public uint FrameMax { get; private set; }

        public static async Task<RawClient> ConnectAsync(Uri uri, ushort channelMax = 0, uint frameMax = 0)
        {
            ArgumentNullException.ThrowIfNull(uri);
            var tcp = new TcpClient();
            var client = new RawClient(tcp);
            try
            {
                await tcp.ConnectAsync(uri.Host, uri.Port).WaitAsync(Timeout);
                client._stream = tcp.GetStream();
                await client.HandshakeAsync(uri, channelMax, frameMax);
                return client;
            }
            catch
            {
                await client.DisposeAsync();
                throw;
            }
        }

        private async Task HandshakeAsync(Uri uri, ushort channelMax, uint frameMax)
        {
            await _stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray());
            await ExpectMethodAsync(0, 10, 10);

            var userInfo = uri.UserInfo.Split(':');
            var user = Uri.UnescapeDataString(userInfo[0]);
            var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : string.Empty;
            var capabilities = new ArgWriter().ShortStr("connection.blocked").Octet((byte)'t').Octet(1).ToArray();
            var clientProperties = new ArgWriter().ShortStr("capabilities").Octet((byte)'F').LongStr(capabilities).ToArray();
            await SendMethodAsync(0, 10, 11, w => w
                .LongStr(clientProperties)
                .ShortStr("PLAIN")
                .LongStr(Encoding.UTF8.GetBytes($"\0{user}\0{password}"))
                .ShortStr("en_US"));

            var tune = await ExpectMethodAsync(0, 10, 30);
            var serverChannelMax = BinaryPrimitives.ReadUInt16BigEndian(tune.Args);
            var serverFrameMax = BinaryPrimitives.ReadUInt32BigEndian(tune.Args.AsSpan(2));
            ChannelMax = channelMax == 0 ? serverChannelMax : channelMax;
            FrameMax = frameMax == 0 ? serverFrameMax : frameMax;
            await SendMethodAsync(0, 10, 31, w => w.Short(ChannelMax).Long(FrameMax).Short(0));

            var vhost = uri.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "/";
            await SendMethodAsync(0, 10, 40, w => w.ShortStr(vhost).ShortStr(string.Empty).Octet(0));
            await ExpectMethodAsync(0, 10, 41);
        }

        public async Task OpenChannelAsync(ushort channel)
        {
            await SendMethodAsync(channel, 20, 10, w => w.ShortStr(string.Empty));
            await ExpectMethodAsync(channel, 20, 11);
        }

        public async Task SendMethodAsync(ushort channel, ushort classId, ushort methodId, Action<ArgWriter>? args = null)
        {
            var writer = new ArgWriter().Short(classId).Short(methodId);
            args?.Invoke(writer);
            await SendFrameAsync(1, channel, writer.ToArray());
        }

        /// <summary>A content header with no properties.</summary>
        public async Task SendContentHeaderAsync(ushort channel, ushort classId, ulong bodySize) =>
            await SendFrameAsync(2, channel, new ArgWriter().Short(classId).Short(0).LongLong(bodySize).Short(0).ToArray());

        /// <summary>basic.publish with an empty-property header and the body in one frame (it must fit frame_max).</summary>
        public async Task PublishAsync(ushort channel, string exchange, string routingKey, byte[] body, bool mandatory = false, bool immediate = false)
        {
            ArgumentNullException.ThrowIfNull(body);
            var bits = (byte)((mandatory ? 1 : 0) | (immediate ? 2 : 0));
            await SendMethodAsync(channel, 60, 40, w => w.Short(0).ShortStr(exchange).ShortStr(routingKey).Octet(bits));
            await SendContentHeaderAsync(channel, 60, (ulong)body.Length);
            if (body.Length > 0)
            {
                await SendFrameAsync(3, channel, body);
            }
        }

        public async Task SendFrameAsync(byte type, ushort channel, byte[] payload)
        {
            ArgumentNullException.ThrowIfNull(payload);
            var frame = new byte[payload.Length + 8];
            frame[0] = type;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), channel);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), (uint)payload.Length);
            payload.CopyTo(frame, 7);
            frame[^1] = 0xCE;
            await _stream.WriteAsync(frame);
            await _stream.FlushAsync();
        }

        public async Task<RawFrame> ReadFrameAsync()
        {
            using var cts = new CancellationTokenSource(Timeout);
            var header = new byte[7];
            await _stream.ReadExactlyAsync(header, cts.Token);
            var size = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(3));
            var rest = new byte[size + 1];
            await _stream.ReadExactlyAsync(rest, cts.Token);
            Assert.That(rest[^1], Is.EqualTo((byte)0xCE), "frame-end octet");
            return new RawFrame(header[0], BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(1)), rest[..^1]);
        }

        /// <summary>The next method frame, skipping heartbeats (content frames are returned by <see cref="ReadFrameAsync"/> only).</summary>
        public async Task<RawMethod> ReadMethodAsync()
        {
            while (true)
            {
                var frame = await ReadFrameAsync();
                if (frame.Type == 8)
                {
                    continue;
                }

                Assert.That(frame.Type, Is.EqualTo((byte)1), $"expected a method frame, got frame type {frame.Type}");
                return new RawMethod(
                    frame.Channel,
                    BinaryPrimitives.ReadUInt16BigEndian(frame.Payload),
                    BinaryPrimitives.ReadUInt16BigEndian(frame.Payload.AsSpan(2)),
                    frame.Payload[4..]);
            }
        }

        public async Task<RawMethod> ExpectMethodAsync(ushort channel, ushort classId, ushort methodId)
        {
            var method = await ReadMethodAsync();
            if (method.ClassId is 10 or 20 && method.MethodId == 50 && (classId, methodId) != (method.ClassId, method.MethodId))
            {
                var close = ParseClose(method.Args);
                Assert.Fail($"expected {classId}.{methodId} on channel {channel}, got {(method.ClassId == 10 ? "connection" : "channel")}.close {close.ReplyCode} {close.ReplyText}");
            }

            Assert.That((method.Channel, method.ClassId, method.MethodId), Is.EqualTo((channel, classId, methodId)), "method received");
            return method;
        }

        /// <summary>Reads up to connection.close (skipping anything before it), answers close-ok and returns its arguments.</summary>
        public async Task<RawClose> ExpectConnectionCloseAsync()
        {
            while (true)
            {
                var frame = await ReadFrameAsync();
                if (frame.Type == 1 && frame.Channel == 0
                    && BinaryPrimitives.ReadUInt16BigEndian(frame.Payload) == 10
                    && BinaryPrimitives.ReadUInt16BigEndian(frame.Payload.AsSpan(2)) == 50)
                {
                    var close = ParseClose(frame.Payload[4..]);
                    await SendMethodAsync(0, 10, 51);
                    return close;
                }
            }
        }

        /// <summary>Reads up to channel.close on <paramref name="channel"/>, answers close-ok and returns its arguments.</summary>
        public async Task<RawClose> ExpectChannelCloseAsync(ushort channel)
        {
            var method = await ReadMethodAsync();
            if (method is { ClassId: 10, MethodId: 50 })
            {
                var connectionClose = ParseClose(method.Args);
                Assert.Fail($"expected channel.close, got connection.close {connectionClose.ReplyCode} {connectionClose.ReplyText}");
            }

            Assert.That((method.Channel, method.ClassId, method.MethodId), Is.EqualTo((channel, (ushort)20, (ushort)40)), "channel.close expected");
            await SendMethodAsync(channel, 20, 41);
            return ParseClose(method.Args);
        }

        public static RawClose ParseClose(byte[] args)
        {
            ArgumentNullException.ThrowIfNull(args);
            var code = BinaryPrimitives.ReadUInt16BigEndian(args);
            var textLength = args[2];
            var text = Encoding.UTF8.GetString(args, 3, textLength);
            var rest = args.AsSpan(3 + textLength);
            return new RawClose(code, text, BinaryPrimitives.ReadUInt16BigEndian(rest), BinaryPrimitives.ReadUInt16BigEndian(rest[2..]));
        }

        public async ValueTask DisposeAsync()
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync();
            }

            _tcp.Dispose();
        }
    }
}
