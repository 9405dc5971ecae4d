using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.InteropTests.Testing;

/// <summary>
/// Faults on connections as RabbitMQ.Client's automatic recovery sees them: a forced close, a dropped socket,
/// a stalled network that misses heartbeats, and resource alarms (connection.blocked / unblocked).
/// </summary>
public class ConnectionFaultTests
{
    [Test]
    public async Task ForcedClose_WithReplyCode_IsSeenByTheClientAndRecovered()
    {
        await using var broker = await TestBroker.StartAsync();
        var factory = TestBroker.RecoveringFactory(broker, "forced-close");
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("forced-close", durable: false, exclusive: false, autoDelete: false)).QueueName;
        var shutdown = TestBroker.NextShutdownAsync(connection);
        var recovered = TestBroker.NextRecoveryAsync(connection);

        var closed = broker.Faults.CloseConnections(FaultScope.ForConnection(factory.ClientProvidedName!), ReplyCode.ConnectionForced, "maintenance");

        Assert.That(closed, Is.EqualTo(1));
        var reason = await shutdown.WaitAsync(TestBroker.Timeout);
        Assert.Multiple(() =>
        {
            Assert.That(reason.Initiator, Is.EqualTo(ShutdownInitiator.Peer));
            Assert.That(reason.ReplyCode, Is.EqualTo(320));
            Assert.That(reason.ReplyText, Is.EqualTo("CONNECTION_FORCED - maintenance"));
        });
        await recovered.WaitAsync(TestBroker.Timeout);
        await TestBroker.AssertRoundTripAsync(channel, queue, "after a forced close");
    }

    [Test]
    public async Task ForcedClose_OfAnotherConnection_LeavesThisOneOpen()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var target = await TestBroker.ConnectAsync(broker, TestBroker.RecoveringFactory(broker, "target"));
        await using var bystander = await TestBroker.RecoveringFactory(broker, "bystander").CreateConnectionAsync();

        var closed = broker.Faults.CloseConnections(FaultScope.ForConnection(target.ClientProvidedName!));

        Assert.That(closed, Is.EqualTo(1));
        await TestBroker.NextShutdownAsync(target).WaitAsync(TestBroker.Timeout);
        Assert.That(bystander.IsOpen, Is.True);
    }

    [Test]
    public async Task DroppedSocket_IsALostConnection_AndRecovered()
    {
        await using var broker = await TestBroker.StartAsync();
        var factory = TestBroker.RecoveringFactory(broker, "dropped");
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("dropped", durable: false, exclusive: false, autoDelete: false)).QueueName;
        var shutdown = TestBroker.NextShutdownAsync(connection);
        var recovered = TestBroker.NextRecoveryAsync(connection);

        Assert.That(broker.Faults.DropConnections(FaultScope.ForConnection(factory.ClientProvidedName!)), Is.EqualTo(1));

        // No connection.close came: the client itself ends the connection (initiator library, not peer).
        var reason = await shutdown.WaitAsync(TestBroker.Timeout);
        Assert.That(reason.Initiator, Is.EqualTo(ShutdownInitiator.Library));
        await recovered.WaitAsync(TestBroker.Timeout);
        await TestBroker.AssertRoundTripAsync(channel, queue, "after a dropped socket");
    }

    [Test]
    public async Task StalledConnection_MissesHeartbeats_AndIsRecoveredOnANewConnection()
    {
        await using var broker = await TestBroker.StartAsync();
        var factory = TestBroker.RecoveringFactory(broker, "stalled");
        factory.RequestedHeartbeat = TimeSpan.FromSeconds(1);
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("stalled", durable: false, exclusive: false, autoDelete: false)).QueueName;
        var shutdown = TestBroker.NextShutdownAsync(connection);
        var recovered = TestBroker.NextRecoveryAsync(connection);

        // Far longer than the heartbeat timeout: one side or the other gives the connection up.
        broker.Faults.StallConnections(FaultScope.ForConnection(factory.ClientProvidedName!), TimeSpan.FromMinutes(5));

        var reason = await shutdown.WaitAsync(TestBroker.Timeout);
        Assert.That(reason.Initiator, Is.Not.EqualTo(ShutdownInitiator.Application));
        await recovered.WaitAsync(TestBroker.Timeout);
        await TestBroker.AssertRoundTripAsync(channel, queue, "after a stall");
    }

    [Test]
    public async Task StalledWrites_HoldRepliesBack_UntilTheStallEnds()
    {
        await using var broker = await TestBroker.StartAsync();
        var factory = TestBroker.RecoveringFactory(broker, "slow-replies");
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var stall = TimeSpan.FromMilliseconds(600);

        broker.Faults.StallConnections(FaultScope.ForConnection(factory.ClientProvidedName!), stall, StallDirection.Writing);
        var started = DateTime.UtcNow;
        await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);

        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(stall - TimeSpan.FromMilliseconds(50)));
        Assert.That(connection.IsOpen, Is.True);
    }

    [Test]
    public async Task MemoryAlarm_BlocksPublishers_AndClearingItUnblocks()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var connection = await TestBroker.RecoveringFactory(broker, "alarm").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var signals = BlockedSignals.Watch(connection);

        Assert.That(broker.Faults.RaiseAlarm(AlarmResource.Memory), Is.True);
        // RabbitMQ blocks a connection when it next publishes.
        await channel.BasicPublishAsync("", "nowhere", "blocked"u8.ToArray());

        Assert.That(await signals.Blocked.WaitAsync(TestBroker.Timeout), Is.EqualTo("low on memory"));
        Assert.That(broker.Faults.ClearAlarm(AlarmResource.Memory), Is.True);
        await signals.Unblocked.WaitAsync(TestBroker.Timeout);
    }

    [Test]
    public async Task Clear_ClearsTheAlarmsItRaised()
    {
        await using var broker = await TestBroker.StartAsync();
        broker.Faults.RaiseAlarm(AlarmResource.Disk);

        broker.Faults.Clear();

        Assert.That(broker.Broker.Alarm.Raised, Is.Empty);
    }

    [Test]
    public void ConnectionClose_WithAChannelErrorCode_IsRefused()
    {
        using var broker = new Core.Broker(new Core.BrokerSettings(), TimeProvider.System);

        Assert.Throws<ArgumentException>(() => broker.Faults.CloseConnections(FaultScope.Everywhere, ReplyCode.NotFound));
    }
}
