using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// POST /api/exchanges/{vhost}/{exchange}/routing-test, an AmqpBroker extension (RabbitMQ has no such
/// endpoint): which queues a message with this routing key and these headers would reach, through
/// exchange-to-exchange bindings and alternate exchanges, as a publish routes it. Nothing is published.
/// </summary>
internal static class RoutingTestResource
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.Post("/api/exchanges/{vhost}/{exchange}/routing-test", Access.Management, Test);

    private static async Task Test(ApiRequest request)
    {
        var virtualHost = request.VirtualHost();
        var exchange = ExchangeResource.Find(request, virtualHost);
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var routingKey = NameRules.Check(body.String("routing_key") ?? "", "routing key");
        var properties = BasicPropertiesJson.FromJson(body.Object("properties") ?? []);
        var queues = Route(virtualHost, exchange, routingKey, properties.Encode());
        await request.JsonAsync(new JsonObject
        {
            ["routed"] = queues.Count > 0,
            ["queues"] = new JsonArray([.. queues.Order(StringComparer.Ordinal).Select(name => new JsonObject { ["vhost"] = virtualHost.Name, ["name"] = name })]),
        }).ConfigureAwait(false);
    }

    private static List<string> Route(VirtualHost virtualHost, Exchange exchange, string routingKey, byte[] properties)
    {
        var exchanges = virtualHost.Exchanges.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var message = Message.Create(exchange.Name, routingKey, properties, []);
        try
        {
            var scratch = new RoutingScratch();
            MessageRouter.Route(exchange, message, name => exchanges.GetValueOrDefault(name), scratch);
            return [.. scratch.Queues.Select(q => q.Name)];
        }
        finally
        {
            message.Release();
        }
    }
}
