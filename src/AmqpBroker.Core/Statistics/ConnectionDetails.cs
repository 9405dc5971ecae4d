namespace AmqpBroker.Core.Statistics;

/// <summary>Where a client connection runs and what it negotiated, as the admin API lists it.</summary>
public sealed record ConnectionDetails(
    string PeerHost,
    int PeerPort,
    string Host,
    int Port,
    string AuthMechanism,
    uint FrameMax,
    ushort ChannelMax,
    ushort HeartbeatSeconds)
{
    public static readonly ConnectionDetails Unknown = new("", 0, "", 0, "", 0, 0, 0);

    /// <summary>What TLS negotiated, for a connection over TLS.</summary>
    public TlsDetails? Tls { get; init; }
}

/// <summary>A TLS connection as RabbitMQ shows it: protocol (<c>tlsv1.3</c>), the cipher suite's parts, and the client certificate's names.</summary>
/// <param name="Protocol">ssl_protocol, e.g. tlsv1.2.</param>
/// <param name="KeyExchange">ssl_key_exchange, e.g. ecdhe_rsa (TLS 1.3 suites name none: any).</param>
/// <param name="Cipher">ssl_cipher, e.g. aes_256_gcm.</param>
/// <param name="Hash">ssl_hash, e.g. sha384.</param>
/// <param name="PeerCertSubject">The client certificate's subject, or null without one.</param>
/// <param name="PeerCertIssuer">Its issuer.</param>
public sealed record TlsDetails(string Protocol, string KeyExchange, string Cipher, string Hash, string? PeerCertSubject, string? PeerCertIssuer);
