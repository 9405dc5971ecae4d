using AmqpBroker.Core;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Amqp;

/// <summary>
/// RabbitMQ's connection-level extensions and limits: channel_max, frame_max, channel.flow,
/// connection.blocked/unblocked, update-secret. Methods RabbitMQ.Client 7 cannot send (channel.flow,
/// oversized frames, more channels than negotiated) go through <see cref="Support.RawClient"/>.
/// </summary>
public sealed class ConnectionExtensionTests : BrokerTestBase
{
    [Test]
    public async Task Opening_more_channels_than_the_negotiated_channel_max_closes_the_connection_with_NOT_ALLOWED()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri, channelMax: 2);
        Assert.That(raw.ChannelMax, Is.EqualTo((ushort)2));
        await raw.OpenChannelAsync(1);
        await raw.OpenChannelAsync(2);

        var close = await OpenOneChannelTooManyAsync(raw, 3);
        AssertClose(close, 530, "NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)");
    }

    [Test]
    public async Task A_channel_closed_under_channel_max_frees_its_slot()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri, channelMax: 1);
        await raw.OpenChannelAsync(1);
        await raw.SendMethodAsync(1, 20, 40, w => w.Short(200).ShortStr("bye").Short(0).Short(0));
        await raw.ExpectMethodAsync(1, 20, 41);
        await raw.OpenChannelAsync(1);

        var close = await OpenOneChannelTooManyAsync(raw, 2);
        AssertClose(close, 530, "NOT_ALLOWED - number of channels opened (1) has reached the negotiated channel_max (1)");
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
    [OwnBrokerOnly("needs the in-process broker")]
    public async Task A_low_server_channel_max_is_what_the_client_gets_and_enforced()
    {
        await using var host = await BrokerHost.StartAsync(new BrokerOptions
        {
            Port = 0,
            ManagementPort = BrokerOptions.ManagementDisabled,
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

        var close = await OpenOneChannelTooManyAsync(raw, 4);
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
        // Only the header of the oversized body frame: the broker must refuse it from the header alone, and a
        // client still writing 64 KiB when the broker closes the socket would see a reset instead of the close.
        await raw.SendBytesAsync([3, 0, 1, 0, 1, 0, 0]);

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
        await using var raw = await RawClient.ConnectWithChannelAsync(AmqpUri);

        await raw.SendMethodAsync(1, 20, 20, w => w.Octet(1));
        var ok = await raw.ExpectMethodAsync(1, 20, 21);

        Assert.That(ok.Args[0], Is.EqualTo((byte)1), "flow-ok active");
    }

    [Test]
    public async Task Channel_flow_active_false_closes_the_connection_with_NOT_IMPLEMENTED()
    {
        await using var raw = await RawClient.ConnectWithChannelAsync(AmqpUri);

        await raw.SendMethodAsync(1, 20, 20, w => w.Octet(0));
        await ExpectConnectionClosedAsync(raw, 540, "NOT_IMPLEMENTED - active=false", 20, 20);
    }

    [Test]
    [OwnBrokerOnly("needs the in-process broker")]
    public async Task Resource_alarm_blocks_a_publishing_connection_and_releases_it_when_cleared()
    {
        var (publisherConnection, signals, publisher) = await OpenWatchedPublisherAsync();
        var observer = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(observer);

        Host!.Broker.Alarm.Raise(AlarmResource.Memory);
        try
        {
            await PublishAsync(publisher, queue, "held");

            Assert.That(await signals.Blocked.WaitAsync(Timeout), Is.EqualTo("low on memory"));
            await Task.Delay(QuietPeriod);
            Assert.That(await observer.MessageCountAsync(queue), Is.Zero, "the publish is held while the alarm is raised");
            Assert.That(signals.Unblocked.IsCompleted, Is.False);
        }
        finally
        {
            Host.Broker.Alarm.Clear(AlarmResource.Memory);
        }

        await signals.Unblocked.WaitAsync(Timeout);
        var got = await GetEventuallyAsync(observer, queue);
        Assert.That(Text(got.Body), Is.EqualTo("held"));
        Assert.That(publisherConnection.IsOpen, Is.True);
    }

    [Test]
    [OwnBrokerOnly("needs the in-process broker")]
    public async Task Resource_alarm_does_not_block_connections_that_only_consume()
    {
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

        Host!.Broker.Alarm.Raise(AlarmResource.Disk);
        try
        {
            var consumer = await ConsumeAsync(channel, queue);
            var delivery = await consumer.NextAsync(Timeout);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            Assert.That(await EventuallyAsync(async () => await setup.MessageCountAsync(queue) == 0 && await setup.ConsumerCountAsync(queue) == 1), Is.True);
            Assert.That(blocked, Is.False, "connection.blocked is sent only to connections that publish");
        }
        finally
        {
            Host.Broker.Alarm.Clear(AlarmResource.Disk);
        }
    }

    /// <remarks>
    /// Sent raw: RabbitMQ.Client's <c>IConnection.UpdateSecretAsync</c> (7.1.2 and 7.2.2) fails against RabbitMQ too
    /// ("Received unexpected command of type ConnectionOpenOk") because CreateConnectionAsync does not wait
    /// for connection.open-ok (rabbitmq-dotnet-client#1999, fixed after 7.2.2 by #2000), so its first channel-0 RPC receives it.
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

    /// <summary>Sends channel.open for <paramref name="channel"/>, beyond the negotiated channel_max: the broker answers with connection.close.</summary>
    private static async Task<RawClose> OpenOneChannelTooManyAsync(RawClient raw, ushort channel)
    {
        await raw.SendMethodAsync(channel, 20, 10, w => w.ShortStr(string.Empty));
        return await raw.ExpectConnectionCloseAsync();
    }
}
