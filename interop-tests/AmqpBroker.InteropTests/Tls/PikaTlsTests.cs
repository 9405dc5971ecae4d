using System.Globalization;

namespace AmqpBroker.InteropTests.Tls;

/// <summary>
/// A second client library over TLS: tools/crosscheck/pika_tls_check.py logs in with PLAIN over AMQPS (checking
/// the server certificate against the test CA) and with SASL EXTERNAL and a client certificate. Skipped where no
/// python3 with pika is installed.
/// </summary>
[TestFixture]
public sealed class PikaTlsTests : TlsTestBase
{
    private static readonly TimeSpan ScriptDeadline = TimeSpan.FromSeconds(60);

    protected override (bool VerifyPeer, bool FailIfNoPeerCert) PeerVerification => (true, false);

    [Test]
    public async Task Pika_logs_in_over_tls_with_a_password_and_with_a_client_certificate()
    {
        var python = await CrosscheckScripts.FindPythonAsync();
        if (python is null)
        {
            Assert.Ignore("python3-pika is not installed: the pika TLS check did not run (apt-get install python3-pika)");
        }

        var user = await CreateCertificateUserAsync();
        var (certFile, keyFile) = Certificates.WriteClient(Certificates.Client(user), "pika-client");
        var output = await CrosscheckScripts.AssertPassesAsync(
            python!, "pika_tls_check.py", [AmqpsPort.ToString(CultureInfo.InvariantCulture), Certificates.CaCertFile, certFile, keyFile], ScriptDeadline);

        Assert.That(output, Does.Contain("EXTERNAL login with the client certificate"));
    }
}
