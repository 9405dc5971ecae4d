namespace AmqpBroker.Core.Security;

/// <summary>
/// A broker user: name, salted password hash in RabbitMQ's format (made by <see cref="HashingAlgorithm"/>),
/// and management tags.
/// </summary>
public sealed record User(string Name, string PasswordHash, IReadOnlyList<string> Tags)
{
    /// <summary>The <see cref="PasswordHasher"/> module that made <see cref="PasswordHash"/> (RabbitMQ's <c>hashing_algorithm</c>).</summary>
    public string HashingAlgorithm { get; init; } = PasswordHasher.Sha256;
}
