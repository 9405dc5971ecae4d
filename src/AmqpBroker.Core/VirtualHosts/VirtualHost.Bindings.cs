using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// The virtual host's bindings: queue.bind/unbind and exchange.bind/unbind, and the cascade when one end
/// goes — bindings leading to it are dropped, and an auto-delete exchange whose last binding went is deleted.
/// RabbitMQ's order (rabbit_channel:binding_action_with_checks, then rabbit_binding:add/remove through
/// rabbit_db_binding, the same in 3.10.8 and 4.3.5): the checks of <see cref="BindingRules"/> (403) before any lookup;
/// both ends must exist (404, the source named first); then a bind has the source type validate it (406) before the
/// queue's exclusivity is checked (405), and an unbind checks exclusivity only for a binding that exists.
/// </summary>
public sealed partial class VirtualHost
{
    public void Bind(string queueName, string exchangeName, string routingKey, IReadOnlyDictionary<string, object?> arguments, ClientConnection connection, ResourceAccess? access = null)
    {
        BindingRules.CheckNotDirectReply(_services.Settings.Profile, queueName);
        BindingRules.CheckBindingAccess(access, ResourceKind.Queue, queueName, exchangeName);
        BindingRules.CheckTopicRead(access, FindExchange(exchangeName), routingKey);
        lock (_topology)
        {
            // RabbitMQ names the exchange when both ends are missing.
            var exchange = BindingRules.GetBindableExchange(this, exchangeName);
            AddBindingLocked(exchange, GetQueue(queueName, connection: null), routingKey, arguments, connection);
        }
    }

    public void Unbind(string queueName, string exchangeName, string routingKey, IReadOnlyDictionary<string, object?> arguments, ClientConnection connection, ResourceAccess? access = null)
    {
        BindingRules.CheckNotDirectReply(_services.Settings.Profile, queueName);
        BindingRules.CheckBindingAccess(access, ResourceKind.Queue, queueName, exchangeName);
        BindingRules.CheckTopicRead(access, FindExchange(exchangeName), routingKey);
        lock (_topology)
        {
            // Unbinding from or to something that does not exist succeeds, as in RabbitMQ.
            BindingRules.CheckNotDefault(exchangeName);
            if (_exchanges.TryGetValue(exchangeName, out var exchange) && FindQueue(queueName) is { } queue)
            {
                UnbindLocked(exchange, queue, routingKey, arguments, connection);
            }
        }
    }

    /// <summary>exchange.bind: messages routed by <paramref name="sourceName"/> flow on into <paramref name="destinationName"/>.</summary>
    public void BindExchange(string destinationName, string sourceName, string routingKey, IReadOnlyDictionary<string, object?> arguments, ResourceAccess? access = null)
    {
        BindingRules.CheckBindingAccess(access, ResourceKind.Exchange, destinationName, sourceName);
        BindingRules.CheckTopicRead(access, FindExchange(sourceName), routingKey);
        lock (_topology)
        {
            // The source is looked up first, so RabbitMQ names it when both ends are missing.
            var source = BindingRules.GetBindableExchange(this, sourceName);
            AddBindingLocked(source, BindingRules.GetBindableExchange(this, destinationName), routingKey, arguments);
        }
    }

    public void UnbindExchange(string destinationName, string sourceName, string routingKey, IReadOnlyDictionary<string, object?> arguments, ResourceAccess? access = null)
    {
        BindingRules.CheckBindingAccess(access, ResourceKind.Exchange, destinationName, sourceName);
        BindingRules.CheckTopicRead(access, FindExchange(sourceName), routingKey);
        lock (_topology)
        {
            // Unbinding from or to an exchange that does not exist succeeds, as in RabbitMQ.
            BindingRules.CheckNotDefault(destinationName);
            BindingRules.CheckNotDefault(sourceName);
            if (_exchanges.TryGetValue(destinationName, out var destination) && _exchanges.TryGetValue(sourceName, out var source))
            {
                UnbindLocked(source, destination, routingKey, arguments);
            }
        }
    }

    private void RemoveExchangeLocked(Exchange exchange)
    {
        if (!_exchanges.TryRemove(new KeyValuePair<string, Exchange>(exchange.Name, exchange)))
        {
            return;
        }

        exchange.MarkDeleted();
        _durable.DeleteExchange(exchange);

        foreach (var binding in exchange.Bindings)
        {
            exchange.RemoveBinding(binding.Destination, binding.RoutingKey, binding.Arguments);
        }

        RemoveBindingsToLocked(exchange);
    }

    /// <summary>A queue or exchange went away: drop the bindings leading to it, then auto-delete emptied sources.</summary>
    private void RemoveBindingsToLocked(IBindingDestination destination)
    {
        foreach (var source in _exchanges.Values)
        {
            if (source.RemoveBindingsTo(destination))
            {
                DeleteIfUnusedAutoDelete(source);
            }
        }

        // The store dropped these bindings with their destination; the count moves on now that they are gone.
        _durable.Count();
    }

    /// <summary>
    /// Removes a binding. RabbitMQ answers unbind-ok for one that does not exist, even to a queue exclusive to another
    /// connection; only an existing one has the queue's exclusivity checked for <paramref name="connection"/> (405).
    /// </summary>
    private void UnbindLocked(Exchange source, IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments, ClientConnection? connection = null)
    {
        if (!source.HasBinding(destination, routingKey, arguments))
        {
            return;
        }

        CheckExclusiveAccess(destination, connection);
        if (source.RemoveBinding(destination, routingKey, arguments) is { } removed)
        {
            _durable.DeleteBinding(removed);
            DeleteIfUnusedAutoDelete(source);
        }
    }

    /// <summary>
    /// Adds a binding once both ends are known to exist: the source's type validates it first (406), then a queue
    /// destination must be open to <paramref name="connection"/> (405), as rabbit_binding:binding_checks orders them; an
    /// equal binding already there is validated all the same and left as it is.
    /// </summary>
    private void AddBindingLocked(Exchange source, IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments, ClientConnection? connection = null)
    {
        var binding = new Binding(source, destination, routingKey, arguments);
        if (source.AddBinding(binding, () => CheckExclusiveAccess(destination, connection)))
        {
            _durable.PutBinding(binding);
        }
    }

    /// <summary>
    /// Puts back a stored or snapshotted binding without the source type's checks, as RabbitMQ recovers bindings;
    /// null when one end is missing or an equal binding exists.
    /// </summary>
    internal Binding? RestoreBinding(BindingDefinition definition)
    {
        IBindingDestination? destination = definition.DestinationKind == BindingDestinationKind.Queue ? FindQueue(definition.Destination) : FindExchange(definition.Destination);
        if (FindExchange(definition.Source) is not { } source || destination is null)
        {
            return null;
        }

        var binding = new Binding(source, destination, definition.RoutingKey, definition.Arguments);
        return source.RestoreBinding(binding) ? binding : null;
    }

    /// <summary>405 when <paramref name="destination"/> is a queue exclusive to a connection other than <paramref name="connection"/> (none: exchange.bind, recovery).</summary>
    private static void CheckExclusiveAccess(IBindingDestination destination, ClientConnection? connection)
    {
        if (connection is not null && destination is Queue queue)
        {
            queue.CheckAccess(connection);
        }
    }

    /// <summary>An auto-delete exchange is deleted when its last binding (as a source) goes.</summary>
    private void DeleteIfUnusedAutoDelete(Exchange exchange)
    {
        if (exchange.Definition.AutoDelete && !exchange.HasBindings)
        {
            RemoveExchangeLocked(exchange);
            VirtualHostLog.ExchangeAutoDeleted(_log, Name, exchange.Name);
        }
    }
}
