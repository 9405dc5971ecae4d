using AmqpBroker.Core;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// Kestrel's entry point for an AMQP listener: one <see cref="AmqpConnection"/> per accepted socket. On a TLS
/// listener (<paramref name="certificateLogin"/> given) the connection learns the client certificate, which
/// SASL EXTERNAL logs in with; a plaintext listener looks for nothing.
/// </summary>
public sealed class AmqpConnectionHandler(Broker broker, ILoggerFactory loggerFactory, CertificateLogin? certificateLogin = null) : ConnectionHandler
{
    private readonly ServerLoggers _loggers = ServerLoggers.From(loggerFactory);

    public override Task OnConnectedAsync(ConnectionContext connection)
    {
        var tls = certificateLogin is not null && connection.Features.Get<ITlsConnectionFeature>() is { } feature
            ? new TlsPeer(feature.ClientCertificate, certificateLogin)
            : null;
        return new AmqpConnection(connection, broker, _loggers, tls).RunAsync();
    }
}
