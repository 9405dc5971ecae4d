using System.Security.Cryptography;
using System.Text;

namespace AmqpBroker.Core.Security;

/// <summary>
/// RabbitMQ's password hashing modules: base64(salt ‖ H(salt ‖ UTF-8 password)) with a 4-byte random salt,
/// H being SHA-256 (<c>rabbit_password_hashing_sha256</c>, the default), SHA-512 (<c>..._sha512</c>) or, for
/// users from before RabbitMQ 3.6, MD5 (<c>..._md5</c>, verified but never used for new hashes). Hashes
/// exported from RabbitMQ verify here and ours there.
/// </summary>
public static class PasswordHasher
{
    public const string Sha256 = "rabbit_password_hashing_sha256";
    public const string Sha512 = "rabbit_password_hashing_sha512";
    public const string Md5 = "rabbit_password_hashing_md5";

    private const int SaltLength = 4;

    /// <summary>The modules a hash may name; <see cref="Md5"/> only for hashes imported from old RabbitMQs.</summary>
    public static IReadOnlyList<string> Modules { get; } = [Sha256, Sha512, Md5];

    /// <summary>Whether <paramref name="module"/> may hash new passwords (setting <c>password_hashing_module</c>).</summary>
    public static bool CanHashWith(string module) => module is Sha256 or Sha512;

    public static string Hash(string password, string module = Sha256) => Hash(password, RandomNumberGenerator.GetBytes(SaltLength), module);

    /// <summary>Whether <paramref name="passwordHash"/> has the length <paramref name="module"/>'s hashes decode to.</summary>
    public static bool IsWellFormed(string passwordHash, string module)
    {
        var length = SaltLength + DigestLength(module);
        Span<byte> decoded = stackalloc byte[length];
        return Convert.TryFromBase64String(passwordHash, decoded, out var written) && written == length;
    }

    public static bool Verify(string password, string passwordHash, string module = Sha256)
    {
        if (!Modules.Contains(module) || !IsWellFormed(passwordHash, module))
        {
            return false;
        }

        var stored = Convert.FromBase64String(passwordHash);
        var expected = Convert.FromBase64String(Hash(password, stored[..SaltLength], module));
        return CryptographicOperations.FixedTimeEquals(expected, stored);
    }

    private static int DigestLength(string module) => module switch
    {
        Sha512 => SHA512.HashSizeInBytes,
        Md5 => MD5.HashSizeInBytes,
        _ => SHA256.HashSizeInBytes,
    };

    private static string Hash(string password, byte[] salt, string module)
    {
        byte[] input = [.. salt, .. Encoding.UTF8.GetBytes(password)];
        var digest = module switch
        {
            Sha512 => SHA512.HashData(input),
#pragma warning disable CA5351 // RabbitMQ's legacy module: verifying old hashes needs MD5; new hashes never use it.
            Md5 => MD5.HashData(input),
#pragma warning restore CA5351
            _ => SHA256.HashData(input),
        };
        return Convert.ToBase64String([.. salt, .. digest]);
    }
}
