using System.Net;
using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Server.Connections;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Server.Tests.TestSupport;

/// <summary>A fresh broker with a fake clock per test; every client is disposed, and its RunAsync awaited, at the end.</summary>
public abstract class ServerFixture
{
    private readonly List<TestClient> _clients = [];

    internal FakeTimeProvider Time { get; private set; } = null!;

    internal Broker Broker { get; private set; } = null!;

    [SetUp]
    public void CreateBroker()
    {
        Time = new FakeTimeProvider();
        Broker = new Broker(Settings, Time);
    }

    [TearDown]
    public async Task DisposeClients()
    {
        try
        {
            foreach (var client in _clients)
            {
                await client.DisposeAsync();
            }
        }
        finally
        {
            _clients.Clear();
            Broker.Dispose();
        }
    }

    /// <summary>The broker's settings: those of RabbitMQ 3.10, which the raw-frame expectations were checked against, unless a fixture says otherwise.</summary>
    private protected virtual BrokerSettings Settings => new() { Profile = VersionProfile.For(new RabbitMqRelease(3, 10)) };

    /// <summary>
    /// Moves the clock in steps of the broker's scheduler tick (250 ms), so every tick sees its own time, as
    /// with a real clock; one big <see cref="FakeTimeProvider.Advance"/> would show every tick the end time.
    /// </summary>
    internal void AdvanceTickByTick(TimeSpan by)
    {
        var tick = TimeSpan.FromMilliseconds(250);
        for (var moved = TimeSpan.Zero; moved < by; moved += tick)
        {
            Time.Advance(tick);
        }
    }

    /// <summary>
    /// A failed handshake holds the socket for <see cref="BrokerSettings.FailedHandshakeCloseDelay"/> (RabbitMQ's
    /// 3 s) before closing it: moves the clock on until the server has ended the connection, and checks that it
    /// sent nothing more.
    /// </summary>
    internal async Task ExpectEndAfterFailedHandshakeAsync(TestClient client)
    {
        for (var step = 0; step < 200 && !client.Run.IsCompleted; step++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.WhenAny(client.Run, Task.Delay(10));
        }

        await client.ExpectEndAsync();
    }

    internal TestClient Connect(EndPoint? remoteEndPoint = null, ServerLoggers? loggers = null)
    {
        var client = new TestClient(Broker, remoteEndPoint, loggers);
        _clients.Add(client);
        return client;
    }

    /// <summary>A client past connection.open-ok with channel 1 open.</summary>
    internal async Task<TestClient> ConnectAndOpenAsync(uint frameMax = 131_072, ushort channelMax = 2047)
    {
        var client = Connect();
        await client.OpenAsync(channelMax: channelMax, frameMax: frameMax);
        await client.OpenChannelAsync(1);
        return client;
    }
}
