using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AmqpBroker.InteropTests.Tls;

/// <summary>
/// A test CA and the certificates it signs, made with <see cref="CertificateRequest"/>: a server certificate for
/// localhost and 127.0.0.1, and client certificates with a given common name. The server's files are written as
/// PEM to a temporary directory, which is deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 authority, string directory)
    {
        Authority = authority;
        Directory = directory;
    }

    public X509Certificate2 Authority { get; }

    public string Directory { get; }

    public string CertFile => Path.Combine(Directory, "server.pem");

    public string KeyFile => Path.Combine(Directory, "server.key");

    public string CaCertFile => Path.Combine(Directory, "ca.pem");

    /// <summary>A new CA (valid for a year) and a server certificate valid for <paramref name="serverValidity"/>, written to a temporary directory.</summary>
    public static TestCertificates Create(TimeSpan serverValidity)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"amqpbroker-tls-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var certificates = new TestCertificates(CreateAuthority("AmqpBroker test CA"), directory);
        File.WriteAllText(certificates.CaCertFile, certificates.Authority.ExportCertificatePem());
        certificates.WriteServerCertificate("localhost", serverValidity);
        return certificates;
    }

    /// <summary>Another CA, which the broker does not trust.</summary>
    public static X509Certificate2 CreateAuthority(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    /// <summary>(Re)writes the server's certificate and key files; returns the new certificate.</summary>
    public X509Certificate2 WriteServerCertificate(string commonName, TimeSpan validity)
    {
        var certificate = Issue(Authority, commonName, validity, server: true);
        File.WriteAllText(KeyFile, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(CertFile, certificate.ExportCertificatePem());
        return certificate;
    }

    /// <summary>A client certificate with this common name, signed by <paramref name="authority"/> (the test CA by default).</summary>
    public X509Certificate2 Client(string commonName, X509Certificate2? authority = null) =>
        Issue(authority ?? Authority, commonName, TimeSpan.FromDays(30), server: false);

    /// <summary>
    /// A client certificate with an empty subject whose only names are the subject alternative names
    /// <paramref name="addNames"/> adds (the extension is critical then, as RFC 5280 asks), signed by the test CA.
    /// </summary>
    public X509Certificate2 ClientWithAlternativeNames(Action<SubjectAlternativeNameBuilder> addNames)
    {
        var names = new SubjectAlternativeNameBuilder();
        addNames(names);
        return Issue(Authority, new X500DistinguishedName(""), TimeSpan.FromDays(30), server: false, names.Build(critical: true));
    }

    /// <summary>Writes a client certificate and its key as PEM files next to the server's; returns their paths.</summary>
    public (string CertFile, string KeyFile) WriteClient(X509Certificate2 client, string name)
    {
        var (certFile, keyFile) = (Path.Combine(Directory, $"{name}.pem"), Path.Combine(Directory, $"{name}.key"));
        File.WriteAllText(certFile, client.ExportCertificatePem());
        File.WriteAllText(keyFile, client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to the test CA (what a client checks of the server).</summary>
    public bool IsIssuedHere(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string commonName, TimeSpan validity, bool server) =>
        Issue(authority, new X500DistinguishedName($"CN={commonName},O=AmqpBroker tests"), validity, server, server ? ServerNames() : null);

    private static X509Extension ServerNames()
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        return names.Build();
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, X500DistinguishedName subject, TimeSpan validity, bool server, X509Extension? alternativeNames)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        var purpose = server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2";
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(purpose)], false));
        if (alternativeNames is not null)
        {
            request.CertificateExtensions.Add(alternativeNames);
        }

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(authority, now.AddMinutes(-5), now + validity, serial);
        return signed.CopyWithPrivateKey(key);
    }
}
