namespace AmqpBroker.Hosting;

/// <summary>
/// TLS for the AMQP and management listeners, named after RabbitMQ's <c>ssl_options</c>: a certificate and its
/// key from PEM files, an optional CA bundle for client certificates, peer verification, and how SASL EXTERNAL
/// names the user of a client certificate. Nothing is served over TLS until <see cref="CertFile"/> is set.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>The <see cref="ManagementPort"/> value that serves no HTTPS management listener (the default).</summary>
    public const int Disabled = -1;

    /// <summary>The AMQPS port (RabbitMQ's <c>listeners.ssl.default</c>, 5671); 0 picks a free one.</summary>
    public int Port { get; set; } = 5671;

    /// <summary>The HTTPS management port (RabbitMQ's <c>management.ssl.port</c>, 15671 there); -1 serves none, 0 picks a free one.</summary>
    public int ManagementPort { get; set; } = Disabled;

    /// <summary>The server certificate, PEM (<c>ssl_options.certfile</c>); intermediates may follow it in the file.</summary>
    public string? CertFile { get; set; }

    /// <summary>The certificate's private key, PEM (<c>ssl_options.keyfile</c>); null when it is in <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The CAs client certificates must chain to, PEM (<c>ssl_options.cacertfile</c>); null trusts the system's store.</summary>
    public string? CaCertFile { get; set; }

    /// <summary>Ask clients for a certificate and refuse one that does not verify (<c>ssl_options.verify = verify_peer</c>).</summary>
    public bool VerifyPeer { get; set; }

    /// <summary>With <see cref="VerifyPeer"/>, refuse clients that present no certificate (<c>ssl_options.fail_if_no_peer_cert</c>).</summary>
    public bool FailIfNoPeerCert { get; set; }

    /// <summary>
    /// Where SASL EXTERNAL takes the user name from (<c>ssl_cert_login_from</c>): <c>distinguished_name</c> (RabbitMQ's
    /// default), <c>common_name</c> or <c>subject_alternative_name</c>.
    /// </summary>
    public string CertLoginFrom { get; set; } = "distinguished_name";

    /// <summary>For <c>subject_alternative_name</c>: dns, ip, email, uri or other_name (<c>ssl_cert_login_san_type</c>).</summary>
    public string CertLoginSanType { get; set; } = "dns";

    /// <summary>For <c>subject_alternative_name</c>: which name of that type, from 0 (<c>ssl_cert_login_san_index</c>).</summary>
    public int CertLoginSanIndex { get; set; }

    /// <summary>Whether TLS is configured at all.</summary>
    public bool Enabled => !string.IsNullOrEmpty(CertFile);
}
