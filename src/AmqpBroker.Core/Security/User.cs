namespace AmqpBroker.Core.Security;

/// <summary>A broker user: name, salted password hash in RabbitMQ's format, and management tags.</summary>
public sealed record User(string Name, string PasswordHash, IReadOnlyList<string> Tags);
