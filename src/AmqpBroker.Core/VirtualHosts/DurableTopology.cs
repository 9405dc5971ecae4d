using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// What of a virtual host's topology survives a restart, and the writes that keep the stores in step with
/// it: durable exchanges and queues go to the definition store, and so do bindings whose ends are both
/// durable (RabbitMQ's rule); a deleted durable queue's messages leave the message store. Transient ones
/// are never written. Called under the virtual host's topology lock once the change is made, so it also counts every
/// change, durable or not, in the broker's <see cref="DefinitionsVersion"/>.
/// </summary>
internal sealed class DurableTopology(string virtualHost, IDefinitionStore store, IMessageStore messages, DefinitionsVersion version)
{
    public static bool IsDurable(Binding binding) => binding.Source.IsDurable && binding.Destination.IsDurable;

    public void PutExchange(Exchange exchange) => StoreIf(exchange.IsDurable)?.PutExchange(exchange.Definition);

    public void DeleteExchange(Exchange exchange) => StoreIf(exchange.IsDurable)?.DeleteExchange(virtualHost, exchange.Name);

    public void PutQueue(Queue queue) => StoreIf(queue.IsDurable)?.PutQueue(queue.Definition);

    /// <summary>Forgets the queue's definition; its bindings go with it in the store.</summary>
    public void DeleteQueue(Queue queue) => StoreIf(queue.IsDurable)?.DeleteQueue(virtualHost, queue.Name);

    /// <summary>Gives a deleted queue's message log back, once the queue no longer uses it.</summary>
    public void DeleteMessages(Queue queue)
    {
        if (queue.IsDurable)
        {
            messages.DeleteQueue(virtualHost, queue.Name);
        }
    }

    public void PutBinding(Binding binding) => StoreIf(IsDurable(binding))?.PutBinding(ToDefinition(virtualHost, binding));

    public void DeleteBinding(Binding binding) => StoreIf(IsDurable(binding))?.DeleteBinding(ToDefinition(virtualHost, binding));

    /// <summary>Counts a change the store needs not hear of (bindings dropped with the queue or exchange they led to).</summary>
    public void Count() => version.Advance();

    /// <summary>A binding by names, as stored (and as snapshots keep it).</summary>
    public static BindingDefinition ToDefinition(string virtualHost, Binding binding) => new(
        virtualHost,
        binding.Source.Name,
        binding.Destination.Name,
        binding.Destination is Queue ? BindingDestinationKind.Queue : BindingDestinationKind.Exchange,
        binding.RoutingKey,
        binding.Arguments);

    /// <summary>Counts the change; the definition store for a durable object, null for a transient one, which is never written.</summary>
    private IDefinitionStore? StoreIf(bool durable)
    {
        version.Advance();
        return durable ? store : null;
    }
}
