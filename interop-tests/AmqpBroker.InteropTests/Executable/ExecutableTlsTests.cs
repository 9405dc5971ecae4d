using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using AmqpBroker.InteropTests.Tls;

namespace AmqpBroker.InteropTests.Executable;

/// <summary>
/// The executable's TLS switches: --amqps-port, --tls-cert and --tls-key serve AMQPS, announced on a line of its own;
/// SIGHUP reloads the certificate files.
/// </summary>
[TestFixture]
[OwnBrokerOnly("the executable is tested on its own, not against AMQP_URI")]
public sealed partial class ExecutableTlsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly TestCertificates _certificates = TestCertificates.Create(TimeSpan.FromDays(30));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"amqpbroker-exe-tls-{Guid.NewGuid():N}");

    [OneTimeTearDown]
    public void DeleteFiles()
    {
        _certificates.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task The_tls_switches_serve_amqps_to_rabbitmq_client()
    {
        Directory.CreateDirectory(_directory);
        await using var broker = BrokerProcess.Start(
            ["--port", "0", "--management-port", "-1", "--in-memory", "--bind", "127.0.0.1",
                "--amqps-port", "0", "--tls-cert", _certificates.CertFile, "--tls-key", _certificates.KeyFile],
            [], _directory);
        await broker.WaitForReadyAsync(Deadline);
        var port = await AmqpsPortAsync(broker);

        var factory = LoopbackFactory.For(port);
        factory.Ssl = new SslOption
        {
            Enabled = true,
            ServerName = "localhost",
            Version = SslProtocols.None,
            CertificateValidationCallback = (_, certificate, _, _) => _certificates.IsIssuedHere(certificate),
        };
        await using var connection = await factory.CreateConnectionAsync();

        Assert.That(connection.IsOpen, Is.True);
    }

    [Test]
    public async Task Sighup_reloads_a_certificate_renewed_behind_a_symbolic_link()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("SIGHUP is POSIX");
        }

        // As a mounted Kubernetes secret: the broker is given links, and the files behind them change in a
        // directory it does not watch, so only the signal can tell it.
        var links = Directory.CreateDirectory(Path.Combine(_directory, "live")).FullName;
        var (certLink, keyLink) = (Path.Combine(links, "server.pem"), Path.Combine(links, "server.key"));
        File.CreateSymbolicLink(certLink, _certificates.CertFile);
        File.CreateSymbolicLink(keyLink, _certificates.KeyFile);
        await using var broker = BrokerProcess.Start(
            ["--port", "0", "--management-port", "-1", "--in-memory", "--bind", "127.0.0.1",
                "--amqps-port", "0", "--tls-cert", certLink, "--tls-key", keyLink],
            [], _directory);
        await broker.WaitForReadyAsync(Deadline);
        var port = await AmqpsPortAsync(broker);
        var first = await ServedSerialAsync(port);

        var renewed = _certificates.WriteServerCertificate("localhost", TimeSpan.FromDays(60)).GetSerialNumberString();
        var beforeSignal = await ServedSerialAsync(port);
        await broker.SignalAsync("HUP");
        var served = beforeSignal;
        var until = DateTime.UtcNow + Deadline;
        while (served != renewed && DateTime.UtcNow < until && !broker.HasExited)
        {
            await Task.Delay(20);
            served = await ServedSerialAsync(port);
        }

        Assert.That(beforeSignal, Is.EqualTo(first), "the renewed files were picked up before the signal: the test proves nothing");
        Assert.That(served, Is.EqualTo(renewed), broker.Output);
        Assert.That(broker.HasExited, Is.False, "SIGHUP ended the broker");
        // The new certificate can be served before the log line reaches the process's output.
        const string Reloaded = "TLS certificate reloaded: CN=localhost";
        while (!broker.Output.Contains(Reloaded, StringComparison.Ordinal) && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }

        Assert.That(broker.Output, Does.Contain(Reloaded));
    }

    /// <summary>A bare TLS handshake with the AMQPS port; the serial number of the certificate the broker presented.</summary>
    private async Task<string> ServedSerialAsync(int port)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync("127.0.0.1", port);
        string? serial = null;
        await using var stream = new SslStream(socket.GetStream(), leaveInnerStreamOpen: false);
        using var deadline = new CancellationTokenSource(Deadline);
        await stream.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    serial = certificate?.GetSerialNumberString();
                    return _certificates.IsIssuedHere(certificate);
                },
            },
            deadline.Token);
        return serial!;
    }

    /// <summary>The TLS line follows the ready line; its port is read once it is there.</summary>
    private static async Task<int> AmqpsPortAsync(BrokerProcess broker)
    {
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            if (TlsLine().Match(broker.Output) is { Success: true } match)
            {
                return int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
            }

            await Task.Delay(20);
        }

        Assert.Fail($"no TLS line:{Environment.NewLine}{broker.Output}");
        return 0;
    }

    [GeneratedRegex(@"AmqpBroker TLS: amqps://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex TlsLine();
}
