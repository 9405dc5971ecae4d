using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>
/// RabbitMQ's handshake_timeout (10 s) on the broker's fake clock: a client that sends the protocol header and
/// then nothing, or stops between start-ok and tune-ok, is dropped; one that finishes in time is not.
/// </summary>
[TestFixture]
public sealed class HandshakeTimeoutTests : ServerFixture
{
    [Test]
    public async Task A_client_that_sends_only_the_protocol_header_is_dropped_after_ten_seconds()
    {
        var client = Connect();
        await client.SendHeaderAsync();

        AdvanceTickByTick(TimeSpan.FromSeconds(9.5));
        Assert.That(client.Run.IsCompleted, Is.False, "still within the handshake timeout");
        AdvanceTickByTick(TimeSpan.FromSeconds(1));

        await client.ExpectEndAsync();
    }

    [Test]
    public async Task A_client_that_stops_before_tune_ok_is_dropped_after_ten_seconds()
    {
        var client = Connect();
        await client.StartAsync();

        AdvanceTickByTick(TimeSpan.FromSeconds(10.5));

        await client.ExpectEndAsync();
    }

    [Test]
    public async Task An_opened_connection_is_not_dropped()
    {
        var client = await ConnectAndOpenAsync();

        AdvanceTickByTick(TimeSpan.FromSeconds(30));
        await client.OpenChannelAsync(2);

        Assert.That(client.Run.IsCompleted, Is.False);
    }
}
