using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.Tests.Security;

/// <summary>
/// RabbitMQ's rabbit_password_hashing_sha256: base64(salt4 ‖ SHA-256(salt4 ‖ UTF-8 password)). The vectors
/// below were computed outside this code base (Python hashlib/base64) with the salts shown.
/// </summary>
[TestFixture]
public sealed class PasswordHasherTests
{
    // salt 90 8D C6 0A, password "test12" (the example in RabbitMQ's password hashing documentation).
    private const string Test12 = "kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR";

    // salt 00 00 00 00, password "guest".
    private const string GuestZeroSalt = "AAAAAPEoQ8a3jY6DABRiJzkoKooQbXiBp2iGLke7d+FVKzJx";

    // salt CA D5 08 9B, password "pässwörd" (non-ASCII: hashed as UTF-8).
    private const string NonAscii = "ytUImy8p8klq/bmT1B8rornAd4yIyn6LZztlFEBa55RYtAWs";

    [TestCase("guest")]
    [TestCase("")]
    [TestCase("pässwörd ✓")]
    [TestCase("a much longer password with spaces and symbols !@#$%^&*()")]
    public void A_hash_verifies_its_own_password_only(string password)
    {
        var hash = PasswordHasher.Hash(password);

        Assert.That(PasswordHasher.Verify(password, hash), Is.True);
        Assert.That(PasswordHasher.Verify(password + "x", hash), Is.False);
    }

    [Test]
    public void A_hash_is_salted_base64_of_36_bytes()
    {
        var first = PasswordHasher.Hash("guest");
        var second = PasswordHasher.Hash("guest");

        Assert.That(Convert.FromBase64String(first), Has.Length.EqualTo(36));
        Assert.That(second, Is.Not.EqualTo(first), "a fresh random salt each time");
    }

    [TestCase("test12", Test12)]
    [TestCase("guest", GuestZeroSalt)]
    [TestCase("pässwörd", NonAscii)]
    public void Hashes_in_rabbitmqs_format_verify(string password, string hash)
    {
        Assert.That(PasswordHasher.Verify(password, hash), Is.True);
        Assert.That(PasswordHasher.Verify("wrong", hash), Is.False);
    }

    [TestCase("")]
    [TestCase("not base64 at all")]
    [TestCase("AAAA")]
    [TestCase("kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR" + "AAAA")]
    public void A_malformed_hash_verifies_nothing(string hash)
    {
        Assert.That(PasswordHasher.Verify("test12", hash), Is.False);
    }
}
