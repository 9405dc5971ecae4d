using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>Heartbeats on a whole connection: what tune-ok negotiated, sent when idle, and the silent peer cut off.</summary>
[TestFixture]
public sealed class HeartbeatTests : ServerFixture
{
    [Test]
    public async Task Heartbeats_follow_the_interval_the_client_chose_in_tune_ok()
    {
        var client = Connect();
        await client.OpenAsync(heartbeat: 4);
        await client.OpenChannelAsync(1);

        // The server proposed 60 s; with the client's 4 s a heartbeat is due every 2 s.
        AdvanceTickByTick(TimeSpan.FromSeconds(3));

        var frame = await client.ReadFrameAsync(skipHeartbeats: false);
        Assert.That(frame, Is.Not.Null);
        Assert.That((frame!.Type, frame.Channel, frame.Payload.Length), Is.EqualTo((FrameType.Heartbeat, (ushort)0, 0)));
    }

    [Test]
    public async Task Heartbeat_zero_in_tune_ok_turns_heartbeats_off()
    {
        var client = Connect();
        await client.OpenAsync(heartbeat: 0);

        AdvanceTickByTick(TimeSpan.FromMinutes(10));
        await client.SendMethodAsync(1, new ChannelOpen());

        var frame = await client.ReadFrameAsync(skipHeartbeats: false);
        Assert.That(frame?.IsMethod<ChannelOpenOk>(), Is.True, $"expected channel.open-ok and no heartbeat, got {frame}");
    }

    [Test]
    public async Task A_client_that_sends_nothing_for_two_heartbeat_intervals_is_disconnected()
    {
        var client = Connect();
        await client.OpenAsync(heartbeat: 2);

        AdvanceTickByTick(TimeSpan.FromSeconds(6));

        // Heartbeats may precede the end; RunAsync must finish cleanly once the transport is aborted.
        while (await client.ReadFrameAsync(skipHeartbeats: false) is { } frame)
        {
            Assert.That(frame.Type, Is.EqualTo(FrameType.Heartbeat));
        }

        await client.Run.WaitAsync(TestClient.Deadline);
        Assert.That(Broker.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task Client_traffic_keeps_the_connection_alive()
    {
        var client = Connect();
        await client.OpenAsync(heartbeat: 2);
        await client.OpenChannelAsync(1);

        for (var i = 0; i < 10; i++)
        {
            // A heartbeat, then a round trip so the server has surely read it before the clock moves.
            await client.SendAsync(TestClient.RawFrame(8, 0, []));
            await client.SendMethodAsync(1, new ChannelFlow { Active = true });
            await client.ExpectAsync<ChannelFlowOk>(1);
            AdvanceTickByTick(TimeSpan.FromSeconds(1));
        }

        await client.OpenChannelAsync(2);
        Assert.That(Broker.ConnectionCount, Is.EqualTo(1));
    }
}
