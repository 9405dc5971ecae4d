using AmqpBroker.Core;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Connections;

/// <summary>Kestrel's entry point for the AMQP listener: one <see cref="AmqpConnection"/> per accepted socket.</summary>
public sealed class AmqpConnectionHandler(Broker broker, ILoggerFactory loggerFactory) : ConnectionHandler
{
    private readonly ServerLoggers _loggers = ServerLoggers.From(loggerFactory);

    public override Task OnConnectedAsync(ConnectionContext connection) => new AmqpConnection(connection, broker, _loggers).RunAsync();
}
