using System.Collections.Concurrent;

namespace AmqpBroker.Core.Security;

/// <summary>
/// The broker's users, checked by AMQP authentication and the admin API. Changes go through
/// <see cref="Broker.PutUser"/> and <see cref="Broker.DeleteUser"/>, which also persist them.
/// </summary>
public sealed class UserStore
{
    private readonly ConcurrentDictionary<string, User> _users = new(StringComparer.Ordinal);

    public IReadOnlyCollection<User> All => [.. _users.Values];

    public int Count => _users.Count;

    public User? Find(string name) => _users.GetValueOrDefault(name);

    /// <summary>The user when <paramref name="password"/> is right, otherwise null.</summary>
    public User? Authenticate(string name, string password) =>
        Find(name) is { } user && PasswordHasher.Verify(password, user.PasswordHash, user.HashingAlgorithm) ? user : null;

    internal void Put(User user) => _users[user.Name] = user;

    internal bool Delete(string name) => _users.TryRemove(name, out _);
}
