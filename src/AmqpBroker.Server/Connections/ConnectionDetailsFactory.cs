using System.Net;
using AmqpBroker.Core.Statistics;
using Microsoft.AspNetCore.Connections;

namespace AmqpBroker.Server.Connections;

/// <summary>What the admin API shows of an open connection: its endpoints and what the handshake negotiated.</summary>
internal static class ConnectionDetailsFactory
{
    public static ConnectionDetails Create(ConnectionContext transport, ConnectionHandshake handshake, TlsPeer? tls)
    {
        var peer = transport.RemoteEndPoint as IPEndPoint;
        var local = transport.LocalEndPoint as IPEndPoint;
        return new ConnectionDetails(
            HostOf(peer),
            peer?.Port ?? 0,
            HostOf(local),
            local?.Port ?? 0,
            handshake.Mechanism,
            handshake.FrameMax,
            handshake.ChannelMax,
            handshake.HeartbeatSeconds)
        {
            Tls = TlsDetailsFactory.Create(transport, tls),
        };
    }

    /// <summary>An IPv4 client on a dual-stack socket is shown as 127.0.0.1, not ::ffff:127.0.0.1.</summary>
    private static string HostOf(IPEndPoint? endPoint) => endPoint switch
    {
        null => "",
        { Address.IsIPv4MappedToIPv6: true } => endPoint.Address.MapToIPv4().ToString(),
        _ => endPoint.Address.ToString(),
    };
}
