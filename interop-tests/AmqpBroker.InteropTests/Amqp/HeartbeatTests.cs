using AmqpBroker.Core;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Amqp;

/// <summary>A broker that proposes a 1 s heartbeat: both sides must keep an idle connection alive.</summary>
[TestFixture]
public sealed class HeartbeatTests : BrokerTestBase
{
    protected override BrokerOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.Settings = new BrokerSettings { HeartbeatSeconds = 1 };
        return options;
    }

    [Test]
    [OwnBrokerOnly("needs an in-process broker configured with a 1 s heartbeat")]
    public async Task Idle_connection_with_one_second_heartbeat_stays_open()
    {
        var connection = await ConnectAsync();
        Assert.That(connection.Heartbeat, Is.EqualTo(TimeSpan.FromSeconds(1)), "min(client 60 s, server 1 s)");

        var shutdown = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            shutdown.TrySetResult(args);
            return Task.CompletedTask;
        };

        // Idle for four heartbeat intervals: the server must accept the client's heartbeats and send its own
        // (the client gives up on a silent server after two missed ones).
        var closedEarly = await Task.WhenAny(shutdown.Task, Task.Delay(TimeSpan.FromSeconds(4))) == shutdown.Task;
        Assert.That(closedEarly, Is.False, () => $"connection closed while idle: {shutdown.Task.Result}");

        await using var channel = await connection.CreateChannelAsync();
        var ok = await channel.QueueDeclareAsync(string.Empty, exclusive: true);
        Assert.That(ok.QueueName, Is.Not.Empty);
    }
}
