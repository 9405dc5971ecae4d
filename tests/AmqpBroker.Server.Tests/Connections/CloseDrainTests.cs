using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>
/// After answering the client's connection.close, RabbitMQ keeps the socket open and reads what still arrives,
/// dropping it, until the client closes its side or the heartbeat interval (at most 30 s) passes
/// (rabbit_reader:close_connection; RabbitMQ 3.10.8 checked: 30.0 s without heartbeats, 5.0 s with 5 s).
/// The broker is done with the connection as soon as close-ok is sent.
/// </summary>
[TestFixture]
public sealed class CloseDrainTests : ServerFixture
{
    [Test]
    public async Task Close_ok_releases_the_connection_at_once_and_the_socket_ends_when_the_client_closes()
    {
        var client = await ConnectAndOpenAsync();
        await client.DeclareQueueAsync(1, "mine", exclusive: true);

        await client.SendMethodAsync(0, new ConnectionClose { ReplyCode = 200, ReplyText = "Goodbye" });
        await client.ExpectAsync<ConnectionCloseOk>();

        Assert.That(Broker.ConnectionCount, Is.Zero);
        Assert.That(Broker.FindVirtualHost("/")!.FindQueue("mine"), Is.Null);
        Assert.That(client.Run.IsCompleted, Is.False, "the socket stays open for what the client still sends");
        client.CompleteOutput();
        await client.ExpectEndAsync();
    }

    [Test]
    public async Task What_arrives_after_close_ok_is_dropped_and_another_close_is_answered_again()
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(0, new ConnectionClose { ReplyCode = 200, ReplyText = "Goodbye" });
        await client.ExpectAsync<ConnectionCloseOk>();

        await client.PublishAsync(1, "", "late", "dropped"u8.ToArray());
        await client.SendMethodAsync(5, new QueueDeclare { Queue = "late" });
        await client.SendMethodAsync(0, new ConnectionClose { ReplyCode = 200, ReplyText = "again" });

        await client.ExpectAsync<ConnectionCloseOk>();
        Assert.That(Broker.FindVirtualHost("/")!.FindQueue("late"), Is.Null);
        await client.SendMethodAsync(0, new ConnectionCloseOk());
        await client.ExpectEndAsync();
    }

    [TestCase((ushort)0, 30)]
    [TestCase((ushort)5, 5)]
    [TestCase((ushort)60, 30)]
    public async Task A_client_that_keeps_the_socket_open_is_cut_off_after_the_heartbeat_or_30_s(ushort heartbeat, int seconds)
    {
        var client = Connect();
        await client.OpenAsync(heartbeat: heartbeat);
        await client.SendMethodAsync(0, new ConnectionClose { ReplyCode = 200, ReplyText = "Goodbye" });
        await client.ExpectAsync<ConnectionCloseOk>();

        AdvanceTickByTick(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(500));
        Assert.That(client.Run.IsCompleted, Is.False);
        AdvanceTickByTick(TimeSpan.FromSeconds(1));

        await client.Run.WaitAsync(TestClient.Deadline);
    }

    [Test]
    public async Task Heartbeats_go_on_while_the_socket_drains()
    {
        var client = Connect();
        await client.OpenAsync(heartbeat: 4);
        await client.SendMethodAsync(0, new ConnectionClose { ReplyCode = 200, ReplyText = "Goodbye" });
        await client.ExpectAsync<ConnectionCloseOk>();

        AdvanceTickByTick(TimeSpan.FromSeconds(2.5));

        var frame = await client.ReadFrameAsync(skipHeartbeats: false);
        Assert.That(frame?.Type, Is.EqualTo(FrameType.Heartbeat));
    }

    [Test]
    public async Task A_close_crossing_the_servers_close_is_answered_and_drained_too()
    {
        // RabbitMQ 3.10.8 (checked): a client answering our connection.close with its own close gets close-ok.
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new ChannelOpen());
        await client.ExpectConnectionCloseAsync(ReplyCode.ChannelError);

        await client.SendMethodAsync(0, new ConnectionClose { ReplyCode = 200, ReplyText = "closing too" });

        await client.ExpectAsync<ConnectionCloseOk>();
        Assert.That(client.Run.IsCompleted, Is.False);
        client.CompleteOutput();
        await client.ExpectEndAsync();
    }
}
