using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Tls;

/// <summary>
/// SASL EXTERNAL with <c>ssl_cert_login_from = subject_alternative_name</c>: the user is the subject alternative name
/// of <c>ssl_cert_login_san_type</c> at <c>ssl_cert_login_san_index</c>, from a certificate with no subject at all; a
/// certificate without such a name is refused as RabbitMQ refuses it (403 with its EXTERNAL login text).
/// </summary>
[TestFixture("dns", 0)]
[TestFixture("email", 1)]
public sealed class SanLoginTests(string sanType, int sanIndex) : TlsTestBase
{
    protected override (bool VerifyPeer, bool FailIfNoPeerCert) PeerVerification => (true, false);

    protected override BrokerOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.Tls.CertLoginFrom = "subject_alternative_name";
        options.Tls.CertLoginSanType = sanType;
        options.Tls.CertLoginSanIndex = sanIndex;
        return options;
    }

    [Test]
    public async Task External_logs_in_as_the_alternative_name_of_the_configured_type_and_index()
    {
        var names = Enumerable.Range(0, 2).Select(i => Name($"{i}-{Guid.NewGuid():N}"[..14])).ToList();
        var user = await CreateCertificateUserAsync(names[sanIndex]);
        var certificate = Certificates.ClientWithAlternativeNames(builder =>
        {
            // A name of the other type first, so that only the type picks the user.
            AddName(builder, OtherType, Name("decoy"));
            names.ForEach(name => AddName(builder, sanType, name));
        });

        await using var connection = await ConnectTlsAsync(certificate, external: true);

        Assert.That(certificate.SubjectName.RawData, Has.Length.EqualTo(2), "the certificate has an empty subject");
        bool IsUsers(JsonNode? c) => c!["user"]!.GetValue<string>() == user;
        var listed = await EventuallyJsonAsync("api/connections", list => list.AsArray().Any(IsUsers), $"a connection of {user} is listed");
        Assert.That(listed.AsArray().Where(IsUsers).Select(c => c!["auth_mechanism"]!.GetValue<string>()), Is.EqualTo(new[] { "EXTERNAL" }));
    }

    [Test]
    public async Task A_certificate_without_an_alternative_name_of_that_type_is_refused_as_rabbitmq_refuses_it()
    {
        var decoy = await CreateCertificateUserAsync(Name($"{Guid.NewGuid():N}"[..12]));
        var certificate = Certificates.ClientWithAlternativeNames(builder => AddName(builder, OtherType, decoy));

        var refused = await Assert.ThrowsAsync<BrokerUnreachableException>(async () => await ConnectTlsAsync(certificate, external: true));

        var reason = refused!.InnerException as AuthenticationFailureException ?? refused.InnerException?.InnerException as AuthenticationFailureException;
        Assert.That(reason?.Message, Is.EqualTo("ACCESS_REFUSED - Login was refused using authentication mechanism EXTERNAL. For details see the broker logfile."), refused.ToString());
    }

    private string OtherType => sanType == "dns" ? "email" : "dns";

    /// <summary>A name of this fixture's SAN type: a host name, or an email address.</summary>
    private string Name(string local) => sanType == "email" ? $"{local}@example.test" : $"{local}.example.test";

    private static void AddName(SubjectAlternativeNameBuilder builder, string type, string name)
    {
        if (type == "email")
        {
            builder.AddEmailAddress(name.Contains('@', StringComparison.Ordinal) ? name : $"user@{name}");
        }
        else
        {
            builder.AddDnsName(name.Replace('@', '.'));
        }
    }
}
