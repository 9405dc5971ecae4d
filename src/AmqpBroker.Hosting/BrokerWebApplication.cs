using System.Net;
using AmqpBroker.Core;
using AmqpBroker.Core.Shovels;
using AmqpBroker.Management;
using AmqpBroker.Server.Connections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Hosting;

/// <summary>
/// Builds the one Kestrel <see cref="WebApplication"/> a broker runs on: its services, its listeners (AMQP, AMQPS,
/// the admin API over HTTP and HTTPS, Prometheus), each kept in <see cref="BrokerListeners"/> to read its bound
/// endpoint from, and the HTTP endpoints of the admin API and the metrics.
/// </summary>
internal sealed class BrokerWebApplication(BrokerOptions options, Broker broker, ILoggerFactory loggers, BrokerListeners listeners, OpenSockets sockets, TlsCertificates? certificates)
{
    private bool ManagementEnabled => options.ManagementPort != BrokerOptions.ManagementDisabled;

    private bool PrometheusEnabled => options.PrometheusPort != BrokerOptions.PrometheusDisabled;

    public WebApplication Build(string? dataDirectory, IShovelSupervisor shovels)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        AddServices(builder.Services, dataDirectory, shovels);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(Listen);

        // Kestrel takes its socket buffers from this pool (64 KiB blocks instead of its 4 KiB ones); registered after
        // UseKestrelCore so that it replaces Kestrel's own.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, SocketBufferPool.Factory>();
        var app = builder.Build();
        if (PrometheusEnabled)
        {
            // Before the admin API: the metrics listener answers the metrics paths only, the admin listener never.
            app.UsePrometheusMetrics(() => listeners.Prometheus?.IPEndPoint?.Port);
        }

        if (ManagementEnabled)
        {
            app.UseManagementApi();
        }

        return app;
    }

    private void AddServices(IServiceCollection services, string? dataDirectory, IShovelSupervisor shovels)
    {
        services.AddSingleton(loggers);
        services.AddSingleton(broker);
        services.AddSingleton<AmqpConnectionHandler>();
        services.AddSingleton(shovels);
        if (ManagementEnabled || PrometheusEnabled)
        {
            services.AddManagementApi(listeners.Bound, dataDirectory, options.EnableFaultApi);
        }
    }

    private void Listen(KestrelServerOptions kestrel)
    {
        kestrel.AddServerHeader = false;
        kestrel.Listen(IPAddress.Parse(options.Bind), options.Port, listener =>
        {
            listener.Use(next => connection => ServeWithinSocketLimitAsync(next, connection));
            listener.UseConnectionHandler<AmqpConnectionHandler>();
            listeners.Amqp = listener;
        });
        if (certificates is not null)
        {
            ListenWithTls(kestrel, certificates);
        }

        if (ManagementEnabled)
        {
            ListenForHttp(kestrel, options.ManagementPort, listener => listeners.Management = listener);
        }

        if (PrometheusEnabled)
        {
            ListenForHttp(kestrel, options.PrometheusPort, listener => listeners.Prometheus = listener);
        }
    }

    /// <summary>AMQPS and, when asked for, HTTPS for the admin API, with the certificate of <see cref="TlsCertificates"/>.</summary>
    private void ListenWithTls(KestrelServerOptions kestrel, TlsCertificates tlsCertificates)
    {
        var tls = options.Tls;
        var handler = new AmqpConnectionHandler(broker, loggers, TlsListeners.Login(tls));
        kestrel.Listen(IPAddress.Parse(options.Bind), tls.Port, listener =>
        {
            listener.Use(next => connection => ServeWithinSocketLimitAsync(next, connection));
            listener.UseHttps(TlsListeners.HttpsOptions(tls, tlsCertificates));
            listener.Run(handler.OnConnectedAsync);
            listeners.Amqps = listener;
        });
        if (ManagementEnabled && tls.ManagementPort != TlsOptions.Disabled)
        {
            ListenForHttp(kestrel, tls.ManagementPort, listener =>
            {
                listener.UseHttps(TlsListeners.HttpsOptions(tls, tlsCertificates));
                listeners.ManagementTls = listener;
            });
        }
    }

    /// <summary>An HTTP/1.1 listener on <paramref name="port"/>, which <paramref name="configure"/> finishes and records.</summary>
    private void ListenForHttp(KestrelServerOptions kestrel, int port, Action<ListenOptions> configure) =>
        kestrel.Listen(IPAddress.Parse(options.Bind), port, listener =>
        {
            listener.Protocols = HttpProtocols.Http1;
            configure(listener);
        });

    /// <summary>
    /// An AMQP connection takes a socket's share of the descriptor budget; past the limit it is closed at once
    /// (and the file_descriptor_limit alarm raised) rather than served with descriptors queues need.
    /// </summary>
    private async Task ServeWithinSocketLimitAsync(ConnectionDelegate next, ConnectionContext connection)
    {
        var descriptors = broker.Resources.Descriptors;
        if (!descriptors.TryObtainSocket())
        {
            connection.Abort(new ConnectionAbortedException("the file descriptor limit is reached"));
            return;
        }

        sockets.Opened();
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            sockets.Closed();
            descriptors.ReleaseSocket();
        }
    }
}
