using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Formatting;

/// <summary>
/// Bindings as RabbitMQ lists them, including the implicit binding of every queue to the default
/// exchange by its name (RabbitMQ lists those; they cannot be created or deleted).
/// </summary>
internal static class BindingJson
{
    /// <summary>Every binding of a vhost: the default exchange's first, then each exchange's.</summary>
    public static IEnumerable<JsonObject> All(VirtualHost virtualHost)
    {
        foreach (var queue in virtualHost.Queues.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            yield return Implicit(queue);
        }

        foreach (var exchange in virtualHost.Exchanges.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            foreach (var binding in Ordered(exchange.Bindings))
            {
                yield return Create(binding);
            }
        }
    }

    public static IEnumerable<JsonObject> ToQueue(VirtualHost virtualHost, Queue queue) =>
        All(virtualHost).Where(b => Is(b, "destination_type", "queue") && Is(b, "destination", queue.Name));

    public static IEnumerable<JsonObject> FromExchange(VirtualHost virtualHost, Exchange exchange) =>
        exchange.Name.Length == 0 ? All(virtualHost).Where(b => Is(b, "source", "")) : Ordered(exchange.Bindings).Select(Create);

    public static IEnumerable<JsonObject> ToExchange(VirtualHost virtualHost, Exchange exchange) =>
        virtualHost.Exchanges.SelectMany(e => Ordered(e.Bindings)).Where(b => ReferenceEquals(b.Destination, exchange)).Select(Create);

    public static JsonObject Create(Binding binding) => Create(
        binding.Source.Name,
        binding.Source.Definition.VirtualHost,
        binding.Destination.Name,
        binding.Destination is Queue ? "queue" : "exchange",
        binding.RoutingKey,
        binding.Arguments);

    private static JsonObject Implicit(Queue queue) =>
        Create("", queue.Definition.VirtualHost, queue.Name, "queue", queue.Name, Protocol.Encoding.FieldTable.Empty);

    private static JsonObject Create(string source, string virtualHost, string destination, string destinationType, string routingKey, IReadOnlyDictionary<string, object?> arguments) => new()
    {
        ["source"] = source,
        ["vhost"] = virtualHost,
        ["destination"] = destination,
        ["destination_type"] = destinationType,
        ["routing_key"] = routingKey,
        ["arguments"] = FieldTableJson.ToJson(arguments),
        ["properties_key"] = BindingKey.For(routingKey, arguments),
    };

    private static IEnumerable<Binding> Ordered(IEnumerable<Binding> bindings) => bindings
        .OrderBy(b => b.Destination.Name, StringComparer.Ordinal)
        .ThenBy(b => b.RoutingKey, StringComparer.Ordinal)
        .ThenBy(b => BindingKey.For(b.RoutingKey, b.Arguments), StringComparer.Ordinal);

    private static bool Is(JsonObject binding, string field, string value) => binding[field]?.GetValue<string>() == value;
}
