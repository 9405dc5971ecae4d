using AmqpBroker.Core.Queues;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Messaging;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/bindings: list; exchange→queue (<c>/e/{source}/q/{destination}</c>) and exchange→exchange
/// (<c>/e/{source}/e/{destination}</c>) bindings listed, created (with a Location header naming the new
/// binding) and read or deleted by their properties key.
/// </summary>
internal static class BindingResource
{
    private const string Between = "/api/bindings/{vhost}/e/{source}/{kind}/{destination}";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.GetPerVirtualHost("/api/bindings", Access.Management, (request, virtualHosts) => request.ListAsync(virtualHosts.SelectMany(BindingJson.All)));
        routes.Get(Between, Access.Management, request =>
        {
            var (virtualHost, source, kind, destination) = Ends(request);
            return request.ListAsync(Matching(virtualHost, source, kind, destination));
        });
        routes.Post(Between, Access.Management, Create);
        routes.Get(Between + "/{props}", Access.Management, request => request.JsonAsync(Find(request)));
        routes.Delete(Between + "/{props}", Access.Management, Delete);
    }

    /// <summary>The vhost, source exchange, destination kind ("queue" or "exchange") and destination of the path.</summary>
    private static (VirtualHost VirtualHost, string Source, string Kind, string Destination) Ends(ApiRequest request, bool creating = false)
    {
        var virtualHost = request.VirtualHost(creating: creating);
        var kind = request.Route("kind") switch
        {
            "q" => "queue",
            "e" => "exchange",
            _ => throw ApiException.NotFound(),
        };
        var destination = kind == "exchange" ? ExchangeResource.PathName(request, "destination") : request.Route("destination");
        return (virtualHost, ExchangeResource.PathName(request, "source"), kind, destination);
    }

    private static IEnumerable<JsonObject> Matching(VirtualHost virtualHost, string source, string kind, string destination) =>
        BindingJson.All(virtualHost).Where(b =>
            b["source"]!.GetValue<string>() == source
            && b["destination_type"]!.GetValue<string>() == kind
            && b["destination"]!.GetValue<string>() == destination);

    private static JsonObject Find(ApiRequest request)
    {
        var (virtualHost, source, kind, destination) = Ends(request);
        var key = request.Route("props");
        return Matching(virtualHost, source, kind, destination).FirstOrDefault(b => b["properties_key"]!.GetValue<string>() == key)
            ?? throw ApiException.NotFound();
    }

    private static async Task Create(ApiRequest request)
    {
        var (virtualHost, source, kind, destination) = Ends(request, creating: true);
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var routingKey = NameRules.Check(body.String("routing_key") ?? "", "routing key");
        var arguments = body.Table("arguments");
        if (kind == "queue")
        {
            virtualHost.Bind(destination, source, routingKey, arguments, HttpConnection.For(request.User, virtualHost.Name), request.User.AccessIn(virtualHost.Name));
        }
        else
        {
            virtualHost.BindExchange(destination, source, routingKey, arguments, request.User.AccessIn(virtualHost.Name));
        }

        var key = BindingKey.For(routingKey, arguments);
        request.Http.Response.Headers.Location = $"{Uri.EscapeDataString(destination)}/{Uri.EscapeDataString(key)}";
        request.Created(created: true);
    }

    private static Task Delete(ApiRequest request)
    {
        var (virtualHost, source, kind, destination) = Ends(request);
        var key = request.Route("props");
        if (source.Length == 0)
        {
            // The default exchange's implicit bindings cannot be removed; RabbitMQ refuses with access refused.
            throw ApiException.NotAuthorised("operation not permitted on the default exchange");
        }

        // The binding object itself is unbound, so its arguments keep their exact AMQP types.
        var binding = virtualHost.Exchanges.FirstOrDefault(e => e.Name == source)?.Bindings.FirstOrDefault(b =>
                b.Destination.Name == destination
                && (b.Destination is Queue) == (kind == "queue")
                && BindingKey.For(b.RoutingKey, b.Arguments) == key)
            ?? throw ApiException.NotFound();
        if (kind == "queue")
        {
            virtualHost.Unbind(destination, source, binding.RoutingKey, binding.Arguments, HttpConnection.For(request.User, virtualHost.Name), request.User.AccessIn(virtualHost.Name));
        }
        else
        {
            virtualHost.UnbindExchange(destination, source, binding.RoutingKey, binding.Arguments, request.User.AccessIn(virtualHost.Name));
        }

        request.NoContent();
        return Task.CompletedTask;
    }
}
