using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.Storage;

/// <summary>The store of an in-memory broker: remembers nothing, so nothing survives a restart.</summary>
public sealed class NoDefinitionStore : IDefinitionStore
{
    public static readonly NoDefinitionStore Instance = new();

    private NoDefinitionStore()
    {
    }

    public StoredDefinitions Load() => new([], [], [], []);

    public IDefinitionBatch BeginBatch() => NoBatch.Instance;

    public void PutVirtualHost(string name)
    {
    }

    public void PutVirtualHostMetadata(string name, VirtualHosts.VirtualHostMetadata metadata)
    {
    }

    public void DeleteVirtualHost(string name)
    {
    }

    public void PutUser(User user)
    {
    }

    public void DeleteUser(string name)
    {
    }

    public void PutPermission(Permission permission)
    {
    }

    public void DeletePermission(string user, string virtualHost)
    {
    }

    public void PutTopicPermission(TopicPermission permission)
    {
    }

    public void DeleteTopicPermission(string user, string virtualHost, string exchange)
    {
    }

    public void PutVirtualHostLimits(string virtualHost, IReadOnlyList<Limit> limits)
    {
    }

    public void PutUserLimits(string user, IReadOnlyList<Limit> limits)
    {
    }

    public void PutPolicy(Policy policy)
    {
    }

    public void DeletePolicy(string virtualHost, string name)
    {
    }

    public void PutParameter(RuntimeParameter parameter)
    {
    }

    public void DeleteParameter(string component, string virtualHost, string name)
    {
    }

    public void PutGlobalParameter(string name, string valueJson)
    {
    }

    public void DeleteGlobalParameter(string name)
    {
    }

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
}

/// <summary>The batch of a store that writes nothing.</summary>
public sealed class NoBatch : IDefinitionBatch
{
    public static readonly NoBatch Instance = new();

    private NoBatch()
    {
    }

    public void Commit()
    {
    }

    public void Dispose()
    {
    }
}
