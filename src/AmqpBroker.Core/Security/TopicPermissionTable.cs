using System.Collections.Concurrent;

namespace AmqpBroker.Core.Security;

/// <summary>
/// Every topic permission, by user, vhost and exchange. Most brokers have none, so a check first asks
/// <see cref="IsEmpty"/> and costs one read on the publish path.
/// </summary>
internal sealed class TopicPermissionTable
{
    private readonly ConcurrentDictionary<(string User, string VirtualHost, string Exchange), CompiledTopicPermission> _permissions = new();

    public bool IsEmpty => _permissions.IsEmpty;

    public IReadOnlyCollection<TopicPermission> All => [.. _permissions.Values.Select(p => p.Permission)];

    public CompiledTopicPermission? Find(string user, string virtualHost, string exchange) =>
        _permissions.IsEmpty ? null : _permissions.GetValueOrDefault((user, virtualHost, exchange));

    public void Set(CompiledTopicPermission compiled)
    {
        var p = compiled.Permission;
        _permissions[(p.User, p.VirtualHost, p.Exchange)] = compiled;
    }

    /// <summary>Removes the matching permissions; returns those removed.</summary>
    public List<TopicPermission> ClearWhere(Func<TopicPermission, bool> predicate)
    {
        List<TopicPermission> removed = [];
        foreach (var (key, compiled) in _permissions)
        {
            if (predicate(compiled.Permission) && _permissions.TryRemove(key, out _))
            {
                removed.Add(compiled.Permission);
            }
        }

        return removed;
    }
}
