using AmqpBroker.FrameworkTests.Support;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.FrameworkTests.MassTransit;

/// <summary>
/// What the MassTransit tests share: a bus per test on endpoints of its own (a name with
/// a fresh suffix), and a plain client for looking at the queues MassTransit filled. What a test's endpoints
/// leave behind (their queues and exchanges, with the <c>_error</c> and <c>_skipped</c> ones) is deleted after it.
/// </summary>
public abstract class MassTransitFixture(string release) : BrokerFixture(release)
{
    private readonly List<string> _endpoints = [];
    private readonly List<IBusControl> _buses = [];

    [TearDown]
    public async Task StopBusesAndDeleteEndpointsAsync()
    {
        foreach (var bus in _buses)
        {
            await bus.StopAsync();
        }

        _buses.Clear();
        await using var connection = await Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var name in _endpoints.SelectMany(e => new[] { e, $"{e}_error", $"{e}_skipped" }))
        {
            await channel.QueueDeleteAsync(name);
            await channel.ExchangeDeleteAsync(name);
        }

        _endpoints.Clear();
    }

    /// <summary>A receive endpoint name no other test uses.</summary>
    protected string Endpoint(string name)
    {
        var endpoint = $"mt-{name}-{Guid.NewGuid():N}";
        _endpoints.Add(endpoint);
        return endpoint;
    }

    /// <summary>Starts a bus on the test's broker, configured by <paramref name="configure"/>; stopped after the test.</summary>
    protected async Task<IBusControl> StartBusAsync(Action<IRabbitMqBusFactoryConfigurator> configure)
    {
        var uri = Broker.AmqpUri;
        var (user, password) = uri.UserInfo.Split(':') is [{ Length: > 0 } u, var p] ? (Uri.UnescapeDataString(u), Uri.UnescapeDataString(p)) : ("guest", "guest");
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(uri.Host, (ushort)uri.Port, "/", h =>
            {
                h.Username(user);
                h.Password(password);
            });
            configure(cfg);
        });
        using var starting = new CancellationTokenSource(Timeout);
        await bus.StartAsync(starting.Token);
        _buses.Add(bus);
        return bus;
    }

    /// <summary>Stops a bus <see cref="StartBusAsync"/> started before the test ends.</summary>
    protected async Task StopBusAsync(IBusControl bus)
    {
        _buses.Remove(bus);
        await bus.StopAsync();
    }

    /// <summary>
    /// The next message in <paramref name="queue"/>, polled for until one comes (null after <see cref="Timeout"/>).
    /// MassTransit declares its error and skipped queues with the first message it moves there, so until then
    /// the queue may not exist (a 404 closes the polling channel, and the next poll opens another).
    /// </summary>
    protected async Task<BasicGetResult?> GetEventuallyAsync(string queue)
    {
        await using var connection = await Broker.ConnectAsync();
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                if (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
                {
                    return got;
                }
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
            {
            }

            await Task.Delay(20);
        }

        return null;
    }

    /// <summary>Messages ready in <paramref name="queue"/> now.</summary>
    protected async Task<uint> ReadyCountAsync(string queue)
    {
        await using var connection = await Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }
}
