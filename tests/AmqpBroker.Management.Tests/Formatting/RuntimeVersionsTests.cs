using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Tests.Formatting;

/// <summary>
/// The <c>crypto_lib_version</c> RabbitMQ reports from 4.2.4 (release-notes/4.2.4.md, #15468) is OpenSSL's version text;
/// ours is formatted from OpenSSL's version number (include/openssl/opensslv.h: 0xMNN00PP0 from 3.0, 0xMNNFFPPS before).
/// </summary>
public sealed class RuntimeVersionsTests
{
    [TestCase(0x30000130L, "OpenSSL 3.0.19")]
    [TestCase(0x30500000L, "OpenSSL 3.5.0")]
    [TestCase(0x1010117FL, "OpenSSL 1.1.1w")]
    [TestCase(0x1010100FL, "OpenSSL 1.1.1")]
    public void Formats_OpenSSLs_version_number(long number, string expected) =>
        Assert.That(RuntimeVersions.FormatOpenSsl(number), Is.EqualTo(expected));

    [Test]
    public void The_runtime_stands_where_Erlang_would() =>
        Assert.That(RuntimeVersions.ErlangVersion, Is.EqualTo($"dotnet-{Environment.Version}"));
}
