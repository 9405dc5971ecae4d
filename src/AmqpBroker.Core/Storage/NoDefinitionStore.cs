using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Storage;

/// <summary>The store of an in-memory broker: remembers nothing, so nothing survives a restart.</summary>
public sealed class NoDefinitionStore : IDefinitionStore
{
    public static readonly NoDefinitionStore Instance = new();

    private NoDefinitionStore()
    {
    }

    public StoredDefinitions Load() => new([], [], [], []);

    public void PutVirtualHost(string name)
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
