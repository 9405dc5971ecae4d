using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AmqpBroker.Server.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AmqpBroker.Hosting;

/// <summary>
/// Kestrel's TLS settings for the AMQPS and HTTPS listeners, as RabbitMQ's <c>ssl_options</c> set them: TLS 1.2 and
/// 1.3 only, the (reloadable) certificate of <see cref="TlsCertificates"/>, client certificates asked for with
/// verify_peer, required with fail_if_no_peer_cert, and checked against the CA file when there is one.
/// </summary>
internal static class TlsListeners
{
    public static HttpsConnectionAdapterOptions HttpsOptions(TlsOptions options, TlsCertificates certificates) => new()
    {
        ServerCertificateSelector = (_, _) => certificates.Server,
        SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificateMode = !options.VerifyPeer ? ClientCertificateMode.NoCertificate
            : options.FailIfNoPeerCert ? ClientCertificateMode.RequireCertificate
            : ClientCertificateMode.AllowCertificate,
        ClientCertificateValidation = (certificate, _, errors) => IsTrusted(certificate, errors, certificates.ClientAuthorities),
        CheckCertificateRevocation = false,
    };

    /// <summary>How SASL EXTERNAL names the user of a client certificate on these listeners.</summary>
    public static CertificateLogin Login(TlsOptions options) =>
        new(options.CertLoginFrom, options.CertLoginSanType, options.CertLoginSanIndex, options.VerifyPeer);

    /// <summary>With a CA file, the certificate must chain to one of its CAs; without, to the system's trust store.</summary>
    private static bool IsTrusted(X509Certificate2 certificate, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (authorities.Count == 0)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
