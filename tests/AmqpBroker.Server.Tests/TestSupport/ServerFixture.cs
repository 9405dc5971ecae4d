using System.Net;
using AmqpBroker.Core;

namespace AmqpBroker.Server.Tests.TestSupport;

/// <summary>A fresh broker with a manual clock per test; every client is disposed, and its RunAsync awaited, at the end.</summary>
public abstract class ServerFixture
{
    private readonly List<TestClient> _clients = [];

    internal ManualTimeProvider Time { get; private set; } = null!;

    internal Broker Broker { get; private set; } = null!;

    [SetUp]
    public void CreateBroker()
    {
        Time = new ManualTimeProvider();
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

    private protected virtual BrokerSettings Settings => new();

    internal TestClient Connect(EndPoint? remoteEndPoint = null)
    {
        var client = new TestClient(Broker, remoteEndPoint);
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
