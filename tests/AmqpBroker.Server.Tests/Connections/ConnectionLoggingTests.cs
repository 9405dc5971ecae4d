using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Connections;
using AmqpBroker.Server.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>Where connection and channel events are logged: one category per area, levels by whose fault it is, and a scope per connection.</summary>
[TestFixture]
public sealed class ConnectionLoggingTests : ServerFixture
{
    [Test]
    public async Task Channel_errors_are_debug_and_connection_errors_information_each_in_its_own_category()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var client = Connect(loggers: ServerLoggers.From(factory));
        await client.OpenAsync();
        await client.OpenChannelAsync(1);

        await client.SendMethodAsync(1, new QueueDeclare { Queue = "missing", Passive = true });
        await client.ExpectChannelCloseAsync(1, ReplyCode.NotFound);
        await client.SendMethodAsync(1, new ChannelCloseOk());
        await client.SendMethodAsync(0, new ConnectionTune());
        await client.ExpectConnectionCloseAsync(ReplyCode.CommandInvalid);
        await client.AcknowledgeCloseAsync();

        var entries = logs.Entries.ToList();
        Assert.That(Find(entries, "ChannelError"), Has.Property("Category").EqualTo("AmqpBroker.Server.Channels").And.Property("Level").EqualTo(LogLevel.Debug));
        Assert.That(Find(entries, "ConnectionError"), Has.Property("Category").EqualTo("AmqpBroker.Server.Connections").And.Property("Level").EqualTo(LogLevel.Information));
    }

    [Test]
    public async Task The_connection_scope_names_the_user_and_vhost_once_the_connection_is_open()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var client = Connect(loggers: ServerLoggers.From(factory));
        await client.OpenAsync();
        await client.OpenChannelAsync(1);

        await client.SendMethodAsync(1, new QueueDeclare { Queue = "missing", Passive = true });
        await client.ExpectChannelCloseAsync(1, ReplyCode.NotFound);

        var entries = logs.Entries.ToList();
        var name = client.Connection.Name;
        Assert.That(Find(entries, "ConnectionAccepted").Scopes, Is.EqualTo(new[] { $"connection {name}" }));
        Assert.That(Find(entries, "ChannelError").Scopes, Is.EqualTo(new[] { $"connection {name}, user 'guest', vhost '/'" }));
    }

    private static CapturedLogs.Entry Find(List<CapturedLogs.Entry> entries, string eventName) =>
        entries.SingleOrDefault(e => e.EventName == eventName) ?? throw new AssertionException($"no {eventName} among: {string.Join("; ", entries.Select(e => e.EventName))}");
}
