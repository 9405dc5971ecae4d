using System.Security.Cryptography;
using System.Text;

namespace AmqpBroker.Core.Security;

/// <summary>
/// RabbitMQ's <c>rabbit_password_hashing_sha256</c>: base64(salt ‖ SHA-256(salt ‖ UTF-8 password)) with a
/// 4-byte random salt, so hashes exported from RabbitMQ verify here and ours there.
/// </summary>
public static class PasswordHasher
{
    private const int SaltLength = 4;

    public static string Hash(string password) => Hash(password, RandomNumberGenerator.GetBytes(SaltLength));

    public static bool Verify(string password, string passwordHash)
    {
        Span<byte> stored = stackalloc byte[SaltLength + SHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(passwordHash, stored, out var written) || written != stored.Length)
        {
            return false;
        }

        var expected = Convert.FromBase64String(Hash(password, stored[..SaltLength].ToArray()));
        return CryptographicOperations.FixedTimeEquals(expected, stored);
    }

    private static string Hash(string password, byte[] salt)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var input = new byte[salt.Length + passwordBytes.Length];
        salt.CopyTo(input, 0);
        passwordBytes.CopyTo(input, salt.Length);
        return Convert.ToBase64String([.. salt, .. SHA256.HashData(input)]);
    }
}
