using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// The virtual host's bindings: queue.bind/unbind and exchange.bind/unbind, and the cascade when one end
/// goes — bindings leading to it are dropped, and an auto-delete exchange whose last binding went is deleted.
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
            AddBindingLocked(exchange, GetQueue(queueName, connection), routingKey, arguments);
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
                queue.CheckAccess(connection);
                UnbindLocked(exchange, queue, routingKey, arguments);
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
            var destination = BindingRules.GetBindableExchange(this, destinationName);
            AddBindingLocked(BindingRules.GetBindableExchange(this, sourceName), destination, routingKey, arguments);
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

    private void UnbindLocked(Exchange source, IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments)
    {
        // RabbitMQ answers unbind-ok for a binding that does not exist.
        if (source.RemoveBinding(destination, routingKey, arguments) is { } removed)
        {
            _durable.DeleteBinding(removed);
            DeleteIfUnusedAutoDelete(source);
        }
    }

    private void AddBindingLocked(Exchange source, IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments)
    {
        var binding = new Binding(source, destination, routingKey, arguments);
        if (source.AddBinding(binding))
        {
            _durable.PutBinding(binding);
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
