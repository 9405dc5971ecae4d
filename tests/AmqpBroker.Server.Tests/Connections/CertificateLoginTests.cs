using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AmqpBroker.Server.Connections;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>
/// The user name SASL EXTERNAL takes from a client certificate with <c>ssl_cert_login_from = subject_alternative_name</c>:
/// every <c>ssl_cert_login_san_type</c>, the <c>ssl_cert_login_san_index</c>, and RabbitMQ's refusal reasons.
/// </summary>
[TestFixture]
public sealed class CertificateLoginTests
{
    private readonly X509Certificate2 _withNames = Certificate(names =>
    {
        names.AddDnsName("first.example.test");
        names.AddEmailAddress("one@example.test");
        names.AddDnsName("second.example.test");
        names.AddIpAddress(IPAddress.Parse("192.0.2.7"));
        names.AddUri(new Uri("urn:example:client"));
        names.AddUserPrincipalName("principal@example.test");
        names.AddEmailAddress("two@example.test");
        names.AddIpAddress(IPAddress.Parse("2001:db8::1"));
    });

    [OneTimeTearDown]
    public void DisposeCertificate() => _withNames.Dispose();

    [TestCase("dns", 0, "first.example.test")]
    [TestCase("dns", 1, "second.example.test")]
    [TestCase("email", 0, "one@example.test")]
    [TestCase("email", 1, "two@example.test")]
    [TestCase("ip", 0, "192.0.2.7")]
    [TestCase("ip", 1, "2001:db8::1")]
    [TestCase("uri", 0, "urn:example:client")]
    [TestCase("other_name", 0, "principal@example.test")]
    public void The_user_is_the_alternative_name_of_the_type_at_the_index(string type, int index, string expected)
    {
        var login = new CertificateLogin(CertificateLogin.SubjectAlternativeName, type, index);

        Assert.That(login.UserName(_withNames), Is.EqualTo(((string?)expected, (string?)null)));
    }

    [TestCase("dns", 2)]
    [TestCase("uri", 1)]
    public void An_index_past_the_names_of_that_type_finds_no_name(string type, int index) =>
        Assert.That(new CertificateLogin(CertificateLogin.SubjectAlternativeName, type, index).UserName(_withNames), Is.EqualTo(((string?)null, "no name found")));

    [Test]
    public void A_certificate_without_alternative_names_finds_no_name()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=only-a-subject", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.That(new CertificateLogin(CertificateLogin.SubjectAlternativeName).UserName(certificate), Is.EqualTo(((string?)null, "no name found")));
    }

    [Test]
    public void Without_peer_verification_or_a_certificate_nobody_is_named()
    {
        Assert.That(new CertificateLogin(CertificateLogin.SubjectAlternativeName, VerifiesPeer: false).UserName(_withNames), Is.EqualTo(((string?)null, "TLS configuration is unsafe")));
        Assert.That(new CertificateLogin(CertificateLogin.SubjectAlternativeName).UserName(null), Is.EqualTo(((string?)null, "connection peer presented no TLS (x.509) certificate")));
    }

    private static X509Certificate2 Certificate(Action<SubjectAlternativeNameBuilder> addNames)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        addNames(names);
        request.CertificateExtensions.Add(names.Build(critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
