using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>
/// A store that keeps vhosts, users, permissions, topic permissions, limits, policies and parameters in memory, so a test can look at what the
/// broker persisted and start a second broker from it. Exchanges, queues and bindings are not kept.
/// </summary>
internal sealed class MemoryDefinitionStore : IDefinitionStore
{
    public List<string> VirtualHosts { get; } = [];

    public Dictionary<string, User> Users { get; } = [];

    public Dictionary<(string User, string VirtualHost), Permission> Permissions { get; } = [];

    public Dictionary<(string VirtualHost, string Name), Policy> Policies { get; } = [];

    public Dictionary<(string User, string VirtualHost, string Exchange), TopicPermission> TopicPermissions { get; } = [];

    public Dictionary<string, IReadOnlyList<Limit>> VirtualHostLimits { get; } = [];

    public Dictionary<string, IReadOnlyList<Limit>> UserLimits { get; } = [];

    public Dictionary<(string Component, string VirtualHost, string Name), RuntimeParameter> Parameters { get; } = [];

    public Dictionary<string, string> GlobalParameters { get; } = [];

    public IDefinitionBatch BeginBatch() => NoBatch.Instance;

    public Dictionary<string, AmqpBroker.Core.VirtualHosts.VirtualHostMetadata> Metadata { get; } = [];

    public StoredDefinitions Load() => new([.. VirtualHosts], [], [], [])
    {
        Users = [.. Users.Values],
        Permissions = [.. Permissions.Values],
        Policies = [.. Policies.Values],
        TopicPermissions = [.. TopicPermissions.Values],
        VirtualHostLimits = new Dictionary<string, IReadOnlyList<Limit>>(VirtualHostLimits),
        UserLimits = new Dictionary<string, IReadOnlyList<Limit>>(UserLimits),
        Parameters = [.. Parameters.Values],
        GlobalParameters = new Dictionary<string, string>(GlobalParameters),
        VirtualHostMetadata = new Dictionary<string, AmqpBroker.Core.VirtualHosts.VirtualHostMetadata>(Metadata),
    };

    public void PutVirtualHostMetadata(string name, AmqpBroker.Core.VirtualHosts.VirtualHostMetadata metadata) => Metadata[name] = metadata;

    public void PutVirtualHost(string name)
    {
        if (!VirtualHosts.Contains(name))
        {
            VirtualHosts.Add(name);
        }
    }

    public void DeleteVirtualHost(string name)
    {
        VirtualHosts.Remove(name);
        Metadata.Remove(name);
        RemoveWhere(Permissions, k => k.VirtualHost == name);
        RemoveWhere(Policies, k => k.VirtualHost == name);
        RemoveWhere(TopicPermissions, k => k.VirtualHost == name);
        VirtualHostLimits.Remove(name);
        RemoveWhere(Parameters, k => k.VirtualHost == name);
    }

    public void PutUser(User user) => Users[user.Name] = user;

    public void DeleteUser(string name)
    {
        Users.Remove(name);
        RemoveWhere(Permissions, k => k.User == name);
        RemoveWhere(TopicPermissions, k => k.User == name);
        UserLimits.Remove(name);
    }

    public void PutTopicPermission(TopicPermission permission) => TopicPermissions[(permission.User, permission.VirtualHost, permission.Exchange)] = permission;

    public void DeleteTopicPermission(string user, string virtualHost, string exchange) => TopicPermissions.Remove((user, virtualHost, exchange));

    public void PutVirtualHostLimits(string virtualHost, IReadOnlyList<Limit> limits) => Put(VirtualHostLimits, virtualHost, limits);

    public void PutUserLimits(string user, IReadOnlyList<Limit> limits) => Put(UserLimits, user, limits);

    private static void Put(Dictionary<string, IReadOnlyList<Limit>> table, string owner, IReadOnlyList<Limit> limits)
    {
        if (limits.Count == 0)
        {
            table.Remove(owner);
        }
        else
        {
            table[owner] = limits;
        }
    }

    public void PutPermission(Permission permission) => Permissions[(permission.User, permission.VirtualHost)] = permission;

    public void DeletePermission(string user, string virtualHost) => Permissions.Remove((user, virtualHost));

    public void PutPolicy(Policy policy) => Policies[(policy.VirtualHost, policy.Name)] = policy;

    public void DeletePolicy(string virtualHost, string name) => Policies.Remove((virtualHost, name));

    public void PutParameter(RuntimeParameter parameter) => Parameters[(parameter.Component, parameter.VirtualHost, parameter.Name)] = parameter;

    public void DeleteParameter(string component, string virtualHost, string name) => Parameters.Remove((component, virtualHost, name));

    public void PutGlobalParameter(string name, string valueJson) => GlobalParameters[name] = valueJson;

    public void DeleteGlobalParameter(string name) => GlobalParameters.Remove(name);

    public void PutExchange(ExchangeDefinition exchange)
    {
    }

    public void DeleteExchange(string virtualHost, string name)
    {
    }

    public void PutQueue(QueueDefinition queue)
    {
    }

    public void DeleteQueue(string virtualHost, string name)
    {
    }

    public void PutBinding(BindingDefinition binding)
    {
    }

    public void DeleteBinding(BindingDefinition binding)
    {
    }

    public void Dispose()
    {
    }

    private static void RemoveWhere<TKey, TValue>(Dictionary<TKey, TValue> map, Func<TKey, bool> predicate)
        where TKey : notnull
    {
        foreach (var key in map.Keys.Where(predicate).ToList())
        {
            map.Remove(key);
        }
    }
}
