using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Messaging;

namespace AmqpBroker.Management.Resources;

/// <summary>/api/exchanges: list, get, declare, delete, publish, and an exchange's bindings.</summary>
internal static class ExchangeResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.GetPerVirtualHost("/api/exchanges", Access.Management, (request, virtualHosts) => request.ListAsync(virtualHosts.SelectMany(List)));
        routes.Get("/api/exchanges/{vhost}/{exchange}", Access.Management, request =>
            request.JsonAsync(ExchangeJson.CreateDetailed(Find(request, request.VirtualHost()))));
        routes.Put("/api/exchanges/{vhost}/{exchange}", Access.Management, Put);
        routes.Delete("/api/exchanges/{vhost}/{exchange}", Access.Management, Delete);
        routes.Post("/api/exchanges/{vhost}/{exchange}/publish", Access.Management, Publish);
        routes.Get("/api/exchanges/{vhost}/{exchange}/bindings/source", Access.Management, request =>
        {
            var virtualHost = request.VirtualHost();
            return request.ListAsync(BindingJson.FromExchange(virtualHost, Find(request, virtualHost)));
        });
        routes.Get("/api/exchanges/{vhost}/{exchange}/bindings/destination", Access.Management, request =>
        {
            var virtualHost = request.VirtualHost();
            return request.ListAsync(BindingJson.ToExchange(virtualHost, Find(request, virtualHost)));
        });
    }

    /// <summary>The exchange a path names; <c>amq.default</c> is the default exchange.</summary>
    public static string PathName(ApiRequest request, string routeName = "exchange") => request.Route(routeName) switch
    {
        ExchangeJson.DefaultExchangePathName => "",
        var name => name,
    };

    private static IEnumerable<JsonObject> List(VirtualHost virtualHost) =>
        virtualHost.Exchanges.OrderBy(e => e.Name, StringComparer.Ordinal).Select(ExchangeJson.Create);

    /// <summary>The exchange the path's <c>{exchange}</c> names in <paramref name="virtualHost"/>, or 404.</summary>
    public static Exchange Find(ApiRequest request, VirtualHost virtualHost) =>
        virtualHost.Exchanges.FirstOrDefault(e => e.Name == PathName(request)) ?? throw ApiException.NotFound();

    /// <summary>Declares like exchange.declare; missing fields take the method's defaults (direct, transient), as in RabbitMQ.</summary>
    private static async Task Put(ApiRequest request)
    {
        var virtualHost = request.VirtualHost(creating: true);
        var name = NameRules.Check(PathName(request), "exchange name");
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var definition = new ExchangeDefinition(
            name,
            virtualHost.Name,
            body.String("type") ?? ExchangeTypes.Direct,
            body.Boolean("durable") ?? false,
            body.Boolean("auto_delete") ?? false,
            body.Boolean("internal") ?? false,
            body.Table("arguments"));
        var created = virtualHost.Exchanges.All(e => e.Name != name);
        virtualHost.DeclareExchange(definition, passive: false, request.User.AccessIn(virtualHost.Name));
        request.Created(created);
    }

    private static Task Delete(ApiRequest request)
    {
        var virtualHost = request.VirtualHost();
        var exchange = Find(request, virtualHost);
        virtualHost.DeleteExchange(exchange.Name, request.QueryFlag("if-unused"), request.User.AccessIn(virtualHost.Name));
        request.NoContent();
        return Task.CompletedTask;
    }

    private static async Task Publish(ApiRequest request)
    {
        var virtualHost = request.VirtualHost();
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var routed = await HttpPublisher.PublishAsync(request.Broker, virtualHost, PathName(request), body, request.User, request.Http.RequestAborted).ConfigureAwait(false);
        await request.JsonAsync(new JsonObject { ["routed"] = routed }).ConfigureAwait(false);
    }
}
