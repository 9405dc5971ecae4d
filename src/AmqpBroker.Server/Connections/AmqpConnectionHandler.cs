using AmqpBroker.Core;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Connections;

/// <summary>Kestrel's entry point for the AMQP listener: one <see cref="AmqpConnection"/> per accepted socket.</summary>
public sealed class AmqpConnectionHandler(Broker broker, ILogger<AmqpConnectionHandler> logger) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection)
    {
        var amqp = new AmqpConnection(connection, broker, logger);
        ServerLog.ConnectionAccepted(logger, amqp.Name);
        return amqp.RunAsync();
    }
}
