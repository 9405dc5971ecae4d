using System.Collections.Concurrent;

namespace AmqpBroker.Core.Security;

/// <summary>The broker's users, checked by AMQP authentication (and later the admin API).</summary>
public sealed class UserStore
{
    private readonly ConcurrentDictionary<string, User> _users = new(StringComparer.Ordinal);

    public IReadOnlyCollection<User> All => [.. _users.Values];

    public void Put(User user) => _users[user.Name] = user;

    public bool Delete(string name) => _users.TryRemove(name, out _);

    public User? Find(string name) => _users.GetValueOrDefault(name);

    /// <summary>The user when <paramref name="password"/> is right, otherwise null.</summary>
    public User? Authenticate(string name, string password) =>
        Find(name) is { } user && PasswordHasher.Verify(password, user.PasswordHash) ? user : null;
}
