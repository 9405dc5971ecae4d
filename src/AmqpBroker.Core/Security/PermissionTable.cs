using System.Collections.Concurrent;

namespace AmqpBroker.Core.Security;

/// <summary>
/// Every user's permission per virtual host. <see cref="Version"/> changes with every change, so a cached
/// access decision (a channel's last publish check) knows when to look again.
/// </summary>
internal sealed class PermissionTable
{
    private readonly ConcurrentDictionary<(string User, string VirtualHost), CompiledPermission> _permissions = new();
    private int _version;

    public int Version => Volatile.Read(ref _version);

    public IReadOnlyCollection<Permission> All => [.. _permissions.Values.Select(p => p.Permission)];

    public CompiledPermission? Find(string user, string virtualHost) => _permissions.GetValueOrDefault((user, virtualHost));

    public void Set(CompiledPermission permission)
    {
        _permissions[(permission.Permission.User, permission.Permission.VirtualHost)] = permission;
        Interlocked.Increment(ref _version);
    }

    public bool Clear(string user, string virtualHost)
    {
        var removed = _permissions.TryRemove((user, virtualHost), out _);
        Interlocked.Increment(ref _version);
        return removed;
    }

    /// <summary>Removes every permission matching <paramref name="predicate"/> (a deleted user's, or a deleted vhost's).</summary>
    public void ClearWhere(Func<Permission, bool> predicate)
    {
        foreach (var (key, permission) in _permissions)
        {
            if (predicate(permission.Permission))
            {
                _permissions.TryRemove(key, out _);
            }
        }

        Interlocked.Increment(ref _version);
    }
}
