using System.Globalization;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using AmqpBroker.InteropTests.Tls;

namespace AmqpBroker.InteropTests.Executable;

/// <summary>The executable's TLS switches: --amqps-port, --tls-cert and --tls-key serve AMQPS, announced on a line of its own.</summary>
[TestFixture]
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
        if (Environment.GetEnvironmentVariable("AMQP_URI") is { Length: > 0 })
        {
            Assert.Ignore("the executable is tested on its own, not against AMQP_URI");
        }

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
