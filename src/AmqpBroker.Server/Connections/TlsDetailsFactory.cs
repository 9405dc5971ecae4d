using System.Security.Authentication;
using AmqpBroker.Core.Statistics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace AmqpBroker.Server.Connections;

/// <summary>What the admin API shows of a TLS connection, in RabbitMQ's terms (ssl_protocol tlsv1.3, ssl_cipher aes_256_gcm, ...).</summary>
internal static class TlsDetailsFactory
{
    public static TlsDetails? Create(ConnectionContext transport, TlsPeer? peer)
    {
        if (peer is null || transport.Features.Get<ITlsHandshakeFeature>() is not { } handshake)
        {
            return null;
        }

        var (keyExchange, cipher, hash) = SuiteParts(handshake.NegotiatedCipherSuite?.ToString() ?? "");
        var certificate = peer.Certificate;
        return new TlsDetails(
            Protocol(handshake.Protocol),
            keyExchange,
            cipher,
            hash,
            certificate is null ? null : CertificateLogin.FormatSubject(certificate.SubjectName),
            certificate is null ? null : CertificateLogin.FormatSubject(certificate.IssuerName));
    }

    /// <summary>The listeners serve TLS 1.2 and 1.3 only.</summary>
    private static string Protocol(SslProtocols protocol) => protocol == SslProtocols.Tls13 ? "tlsv1.3" : "tlsv1.2";

    /// <summary>TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 is (ecdhe_rsa, aes_256_gcm, sha384); TLS_AES_256_GCM_SHA384 (1.3) is (any, aes_256_gcm, sha384).</summary>
    private static (string KeyExchange, string Cipher, string Hash) SuiteParts(string suite)
    {
        var name = suite.StartsWith("TLS_", StringComparison.Ordinal) ? suite[4..].ToLowerInvariant() : suite.ToLowerInvariant();
        var with = name.IndexOf("_with_", StringComparison.Ordinal);
        var keyExchange = with < 0 ? "any" : name[..with];
        var rest = with < 0 ? name : name[(with + 6)..];
        var lastPart = rest.LastIndexOf('_');
        return lastPart < 0 ? (keyExchange, rest, "") : (keyExchange, rest[..lastPart], rest[(lastPart + 1)..]);
    }
}
