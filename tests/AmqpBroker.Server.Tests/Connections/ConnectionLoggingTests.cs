using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Connections;
using AmqpBroker.Server.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>Where connection and channel events are logged: one category per area, levels by whose fault it is, and a scope per connection.</summary>
[TestFixture]
public sealed class ConnectionLoggingTests : ServerFixture
{
    private CapturedLogs _logs = null!;
    private ILoggerFactory _factory = null!;

    [SetUp]
    public void CaptureLogs()
    {
        _logs = new CapturedLogs();
        _factory = LoggerFactory.Create(builder => builder.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
    }

    [TearDown]
    public void DisposeLogging()
    {
        _factory.Dispose();
        _logs.Dispose();
    }

    [Test]
    public async Task Channel_errors_are_debug_and_connection_errors_information_each_in_its_own_category()
    {
        var client = await OpenAndFailChannelAsync();
        await client.SendMethodAsync(1, new ChannelCloseOk());
        await client.SendMethodAsync(0, new ConnectionTune());
        await client.ExpectConnectionCloseAsync(ReplyCode.ChannelError);
        await client.AcknowledgeCloseAsync();

        Assert.That(Find("ChannelError"), Has.Property("Category").EqualTo("AmqpBroker.Server.Channels").And.Property("Level").EqualTo(LogLevel.Debug));
        Assert.That(Find("ConnectionError"), Has.Property("Category").EqualTo("AmqpBroker.Server.Connections").And.Property("Level").EqualTo(LogLevel.Information));
    }

    [Test]
    public async Task The_connection_scope_names_the_user_and_vhost_once_the_connection_is_open()
    {
        var client = await OpenAndFailChannelAsync();

        var name = client.Connection.Name;
        Assert.That(Find("ConnectionAccepted").Scopes, Is.EqualTo(new[] { $"connection {name}" }));
        Assert.That(Find("ChannelError").Scopes, Is.EqualTo(new[] { $"connection {name}, user 'guest', vhost '/'" }));
    }

    /// <summary>An open connection whose channel 1 was just closed by a soft error (a passive declare of a missing queue).</summary>
    private async Task<TestClient> OpenAndFailChannelAsync()
    {
        var client = Connect(loggers: ServerLoggers.From(_factory));
        await client.OpenAsync();
        await client.OpenChannelAsync(1);
        await client.SendMethodAsync(1, new QueueDeclare { Queue = "missing", Passive = true });
        await client.ExpectChannelCloseAsync(1, ReplyCode.NotFound);
        return client;
    }

    private CapturedLogs.Entry Find(string eventName) =>
        _logs.Entries.SingleOrDefault(e => e.EventName == eventName)
        ?? throw new AssertionException($"no {eventName} among: {string.Join("; ", _logs.Entries.Select(e => e.EventName))}");
}
