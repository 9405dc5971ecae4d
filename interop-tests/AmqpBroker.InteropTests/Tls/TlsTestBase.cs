using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Tls;

/// <summary>
/// A fixture whose in-process broker serves AMQPS (and HTTPS management) with a certificate from a test CA made
/// for the fixture. The shared RabbitMQ has no TLS listener, so these fixtures run against this broker only.
/// </summary>
public abstract class TlsTestBase : ManagementTestBase
{
    private readonly TestCertificates _certificates = TestCertificates.Create(TimeSpan.FromDays(30));

    protected TestCertificates Certificates => _certificates;

    protected int AmqpsPort => Host!.AmqpsEndPoint!.Port;

    /// <summary>verify_peer and fail_if_no_peer_cert of the fixture's broker.</summary>
    protected abstract (bool VerifyPeer, bool FailIfNoPeerCert) PeerVerification { get; }

    protected override BrokerOptions CreateOptions()
    {
        var options = base.CreateOptions();
        var (verifyPeer, failIfNoPeerCert) = PeerVerification;
        options.Tls = new TlsOptions
        {
            Port = 0,
            ManagementPort = 0,
            CertFile = _certificates.CertFile,
            KeyFile = _certificates.KeyFile,
            CaCertFile = _certificates.CaCertFile,
            VerifyPeer = verifyPeer,
            FailIfNoPeerCert = failIfNoPeerCert,
            CertLoginFrom = "common_name",
        };
        return options;
    }

    [OneTimeSetUp]
    public void RequireInProcessBroker()
    {
        if (Host is null)
        {
            Assert.Ignore("the shared RabbitMQ has no TLS listener: TLS is tested against this broker only");
        }
    }

    [OneTimeTearDown]
    public void DeleteCertificates() => _certificates.Dispose();

    /// <summary>A RabbitMQ.Client connection over TLS, presenting <paramref name="clientCertificate"/> if given.</summary>
    protected Task<IConnection> ConnectTlsAsync(X509Certificate2? clientCertificate = null, bool external = false, Action<X509Certificate?>? seeServer = null) => ConnectAsync(factory =>
    {
        factory.Port = AmqpsPort;
        factory.Ssl = new SslOption
        {
            Enabled = true,
            ServerName = "localhost",
            Version = SslProtocols.None,
            CertificateValidationCallback = (_, certificate, _, _) =>
            {
                seeServer?.Invoke(certificate);
                return Certificates.IsIssuedHere(certificate);
            },
        };
        if (clientCertificate is not null)
        {
            factory.Ssl.Certs = new X509CertificateCollection { clientCertificate };
        }

        if (external)
        {
            factory.AuthMechanisms = [new ExternalMechanismFactory()];
        }
    });

    /// <summary>A bare TLS handshake with the AMQPS port; returns the stream (the caller disposes it).</summary>
    protected async Task<SslStream> HandshakeAsync(SslProtocols protocols, X509Certificate2? clientCertificate = null)
    {
        var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", AmqpsPort);
        var stream = new SslStream(socket.GetStream(), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => Certificates.IsIssuedHere(certificate),
            ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
        };
        using var deadline = new CancellationTokenSource(Timeout);
        await stream.AuthenticateAsClientAsync(options, deadline.Token);
        return stream;
    }

    /// <summary>A user with all permissions on "/", named as a client certificate's common name.</summary>
    protected Task<string> CreateCertificateUserAsync() => CreateCertificateUserAsync($"tls-client-{Guid.NewGuid():N}"[..24]);

    /// <summary>A user with all permissions on "/" named <paramref name="name"/>.</summary>
    protected async Task<string> CreateCertificateUserAsync(string name)
    {
        TrackUser(name);
        await ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Put, $"api/users/{Uri.EscapeDataString(name)}", new System.Text.Json.Nodes.JsonObject { ["password"] = "unused-secret", ["tags"] = "" });
        await SetPermissionsAsync(name, "/");
        return name;
    }
}
