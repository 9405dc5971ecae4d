using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AmqpBroker.Management.Formatting;

/// <summary>
/// The versions RabbitMQ reports of its runtime (<c>erlang_version</c>, <c>erlang_full_version</c>) and of its crypto
/// library (<c>crypto_lib_version</c>, <c>crypto:info_lib()</c>), with this process's: the .NET runtime stands where
/// Erlang/OTP would, and the TLS library .NET uses where OpenSSL's would.
/// </summary>
internal static class RuntimeVersions
{
    /// <summary>Where RabbitMQ reports the OTP release (<c>25.2.3</c>): <c>dotnet-</c> and the runtime's version, as in rabbitmq_build_info.</summary>
    public static string ErlangVersion { get; } = $"dotnet-{Environment.Version}";

    /// <summary>Where RabbitMQ reports the emulator banner (<c>Erlang/OTP 25 [erts-13.1.5] …</c>): the runtime's description and platform.</summary>
    public static string ErlangFullVersion { get; } = $"{RuntimeInformation.FrameworkDescription} [{RuntimeInformation.RuntimeIdentifier}]";

    /// <summary>
    /// The OpenSSL that .NET's cryptography loaded, as <c>OpenSSL M.N.P</c> (RabbitMQ: <c>OpenSSL 3.0.13 30 Jan 2024</c>,
    /// the build date being unknown here); null on Windows and Apple systems, whose own libraries .NET uses instead.
    /// </summary>
    public static string? CryptoLibVersion { get; } = ReadCryptoLibVersion();

    private static string? ReadCryptoLibVersion()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS() || OperatingSystem.IsMacCatalyst())
        {
            return null;
        }

        try
        {
            return FormatOpenSsl(SafeEvpPKeyHandle.OpenSslVersion);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>OpenSSL's version number (<c>OPENSSL_VERSION_NUMBER</c>, <c>0xMNN00PP0</c> from 3.0, <c>0xMNNFFPPS</c> before) as text.</summary>
    internal static string FormatOpenSsl(long number)
    {
        var major = (number >> 28) & 0xF;
        var minor = (number >> 20) & 0xFF;
        var fixOrZero = (number >> 12) & 0xFF;
        var patch = (number >> 4) & 0xFF;
        if (major >= 3)
        {
            return string.Create(CultureInfo.InvariantCulture, $"OpenSSL {major}.{minor}.{patch}");
        }

        // 1.x: a fix number and a patch letter (1.1.1w).
        var letter = patch == 0 ? "" : ((char)('a' + patch - 1)).ToString();
        return string.Create(CultureInfo.InvariantCulture, $"OpenSSL {major}.{minor}.{fixOrZero}{letter}");
    }
}
