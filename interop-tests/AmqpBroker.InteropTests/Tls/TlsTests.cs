using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AmqpBroker.InteropTests.Tls;

/// <summary>
/// AMQPS with verify_peer (client certificates asked for, optional, checked against the CA file): RabbitMQ.Client
/// over TLS with PLAIN and with SASL EXTERNAL (the user named by the certificate's common name), TLS 1.2/1.3
/// only, EXTERNAL offered on the TLS listener only, a certificate from another CA refused, a renewed certificate
/// file served without a restart, HTTPS for the admin API and its certificate-expiration health check.
/// </summary>
[TestFixture]
public sealed class TlsTests : TlsTestBase
{
    protected override (bool VerifyPeer, bool FailIfNoPeerCert) PeerVerification => (true, false);

    [Test]
    public async Task Messages_go_round_over_amqps_with_a_password_login()
    {
        var connection = await ConnectTlsAsync();
        var channel = await connection.CreateChannelAsync(ConfirmOptions);
        var queue = (await channel.QueueDeclareAsync(exclusive: true)).QueueName;

        await channel.BasicPublishAsync("", queue, "over tls"u8.ToArray());
        var got = await channel.BasicGetAsync(queue, autoAck: true);

        Assert.That(Encoding.UTF8.GetString(got!.Body.Span), Is.EqualTo("over tls"));
    }

    [TestCase(SslProtocols.Tls12)]
    [TestCase(SslProtocols.Tls13)]
    public async Task Tls_1_2_and_1_3_are_served(SslProtocols protocol)
    {
        await using var stream = await HandshakeAsync(protocol);

        Assert.That(stream.SslProtocol, Is.EqualTo(protocol));
    }

    [Test]
    public async Task External_logs_in_as_the_common_name_of_the_client_certificate()
    {
        var user = await CreateCertificateUserAsync();
        var connection = await ConnectTlsAsync(Certificates.Client(user), external: true);

        var connections = await PollConnectionsOfAsync(user);

        Assert.That(connection.IsOpen, Is.True);
        var listed = connections.Single()!;
        Assert.That(listed["auth_mechanism"]!.GetValue<string>(), Is.EqualTo("EXTERNAL"));
        Assert.That((listed["ssl"]!.GetValue<bool>(), listed["ssl_protocol"]!.GetValue<string>()), Is.EqualTo((true, "tlsv1.3")));
        Assert.That(listed["ssl_cipher"]!.GetValue<string>(), Does.StartWith("aes_").Or.StartWith("chacha20"));
        Assert.That(listed["peer_cert_subject"]!.GetValue<string>(), Is.EqualTo($"CN={user},O=AmqpBroker tests"));
        Assert.That(listed["peer_cert_issuer"]!.GetValue<string>(), Is.EqualTo("CN=AmqpBroker test CA"));
    }

    [Test]
    public async Task External_without_a_client_certificate_is_refused()
    {
        var refused = await RefusedAsync(() => ConnectTlsAsync(external: true));

        Assert.That(refused, Does.Contain("ACCESS_REFUSED - Login was refused using authentication mechanism EXTERNAL."));
    }

    [Test]
    public async Task External_is_offered_on_the_tls_listener_only()
    {
        var plain = await RefusedAsync(() => ConnectAsync(f => f.AuthMechanisms = [new ExternalMechanismFactory()]));
        Assert.That(plain, Does.Contain("No compatible authentication mechanism found - server offered [PLAIN AMQPLAIN]"));

        var user = await CreateCertificateUserAsync();
        Assert.That((await ConnectTlsAsync(Certificates.Client(user), external: true)).IsOpen, Is.True);
    }

    [Test]
    public void A_client_certificate_from_another_ca_is_refused_in_the_tls_handshake()
    {
        var stranger = Certificates.Client("stranger", TestCertificates.CreateAuthority("Another CA"));

        Assert.That(async () => await ConnectTlsAsync(stranger), Throws.InstanceOf<BrokerUnreachableException>());
    }

    [Test]
    public async Task A_renewed_certificate_file_is_served_to_new_connections_without_a_restart()
    {
        string? seen = null;
        await ConnectTlsAsync(seeServer: c => seen = c?.GetSerialNumberString());
        var before = seen;

        var renewed = Certificates.WriteServerCertificate("localhost", TimeSpan.FromDays(60)).GetSerialNumberString();

        var deadline = DateTime.UtcNow + Timeout;
        while (seen == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            await (await ConnectTlsAsync(seeServer: c => seen = c?.GetSerialNumberString())).CloseAsync();
        }

        Assert.That(before, Is.Not.EqualTo(renewed));
        Assert.That(seen, Is.EqualTo(renewed));
    }

    [Test]
    public async Task The_admin_api_is_served_over_https_with_the_same_certificate()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => Certificates.IsIssuedHere(certificate) };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{Host!.ManagementTlsEndPoint!.Port}/"), Timeout = Timeout };

        var overview = await GetJsonAsync("api/overview", https.WithBasic("guest", "guest"));

        var protocols = overview["listeners"]!.AsArray().Select(l => l!["protocol"]!.GetValue<string>());
        Assert.That(protocols, Is.SupersetOf(new[] { "amqp", "amqp/ssl", "https" }));
    }

    [Test]
    public async Task Certificates_expiring_within_the_period_fail_the_health_check_as_rabbitmq_reports_them()
    {
        Assert.That((await GetJsonAsync("api/health/checks/certificate-expiration/1/weeks"))["status"]!.GetValue<string>(), Is.EqualTo("ok"));

        var response = await SendAsync(HttpMethod.Get, "api/health/checks/certificate-expiration/1/YEARS");

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), response.Body);
        var body = response.Json!;
        Assert.That((body["status"]!.GetValue<string>(), body["reason"]!.GetValue<string>()), Is.EqualTo(("failed", "Certificates expiring")));
        var amqps = body["expired"]!.AsArray().Single(l => l!["protocol"]!.GetValue<string>() == "amqp/ssl")!;
        Assert.That(amqps["port"]!.GetValue<int>(), Is.EqualTo(AmqpsPort));
        Assert.That(amqps["certfile"]!.GetValue<string>(), Is.EqualTo(Certificates.CertFile));
        Assert.That(amqps["certfile_expires_on"]!.AsArray().Single()!.GetValue<string>(), Does.Match(@"^\d{4}-\d\d-\d\d \d{1,2}:\d\d:\d\d$"));
        Assert.That(amqps["cacertfile_expires_on"]!.AsArray(), Has.Count.EqualTo(1), "the test CA expires within a year too");
    }

    /// <summary>The whole chain of why a connection attempt failed, as text.</summary>
    private static async Task<string> RefusedAsync(Func<Task> connect)
    {
        try
        {
            await connect();
        }
        catch (BrokerUnreachableException e)
        {
            return e.ToString();
        }

        Assert.Fail("the connection should have been refused");
        return "";
    }

    private async Task<System.Text.Json.Nodes.JsonArray> PollConnectionsOfAsync(string user)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var mine = new System.Text.Json.Nodes.JsonArray([.. (await GetJsonAsync("api/connections")).AsArray()
                .Where(c => c!["user"]!.GetValue<string>() == user).Select(c => c!.DeepClone())]);
            if (mine.Count > 0 || DateTime.UtcNow > deadline)
            {
                return mine;
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>fail_if_no_peer_cert: a TLS client without a certificate is refused in the handshake, one with a certificate from the CA is served.</summary>
[TestFixture]
public sealed class TlsRequiredClientCertificateTests : TlsTestBase
{
    protected override (bool VerifyPeer, bool FailIfNoPeerCert) PeerVerification => (true, true);

    [Test]
    public async Task A_client_without_a_certificate_is_refused_and_one_with_a_certificate_is_served()
    {
        Assert.That(async () => await ConnectTlsAsync(), Throws.InstanceOf<BrokerUnreachableException>());

        var user = await CreateCertificateUserAsync();
        Assert.That((await ConnectTlsAsync(Certificates.Client(user), external: true)).IsOpen, Is.True);
    }
}

internal static class HttpClientBasicExtensions
{
    public static HttpClient WithBasic(this HttpClient client, string user, string password)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }
}
