using AmqpBroker.Server.Channels;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Connections;

/// <summary>The server's loggers, one category per area, made once per listener and shared by its connections.</summary>
/// <param name="Connections">Category <see cref="ConnectionLog.Category"/>.</param>
/// <param name="Channels">Category <see cref="ChannelLog.Category"/>.</param>
internal sealed record ServerLoggers(ILogger Connections, ILogger Channels)
{
    public static ServerLoggers From(ILoggerFactory factory) =>
        new(factory.CreateLogger(ConnectionLog.Category), factory.CreateLogger(ChannelLog.Category));
}
