using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.Resources;

/// <summary>/api/queues: list, get, declare, delete, purge, get messages, and a queue's bindings.</summary>
internal static class QueueResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.GetPerVirtualHost("/api/queues", Access.Management, List);
        if (routes.ServiceProvider.GetRequiredService<ManagementContext>().Broker.Settings.Profile.FeatureFlagApi.HasFlag(Core.Profiles.FeatureFlagApi.DetailedQueuesEndpoint))
        {
            // The same list as /api/queues here, which answers with every statistic on every profile (see the README's profile table).
            routes.Get("/api/queues/detailed", Access.Management, request => List(request, request.ListedVirtualHosts()));
        }

        routes.Get("/api/queues/{vhost}/{queue}", Access.Management, request =>
        {
            var queue = Find(request, request.VirtualHost());
            return request.JsonAsync(StatisticsDisabled(request)
                ? QueueSummaryJson.Create(queue, totals: false, withPolicy: false, request.Context.NodeName)
                : QueueJson.CreateDetailed(queue, ConsumersOf(request, queue), request.Context));
        });
        routes.Put("/api/queues/{vhost}/{queue}", Access.Management, Put);
        routes.Delete("/api/queues/{vhost}/{queue}", Access.Management, Delete);
        routes.Delete("/api/queues/{vhost}/{queue}/contents", Access.Management, Purge);
        routes.Post("/api/queues/{vhost}/{queue}/get", Access.Management, Get);
        routes.Get("/api/queues/{vhost}/{queue}/bindings", Access.Management, request =>
        {
            var virtualHost = request.VirtualHost();
            return request.ListAsync(BindingJson.ToQueue(virtualHost, Find(request, virtualHost)));
        });
    }

    private static Task List(ApiRequest request, IEnumerable<VirtualHost> virtualHosts) => request.ListAsync(StatisticsDisabled(request)
        ? QueueList.WithoutStatistics(virtualHosts.SelectMany(Sorted), request.QueryFlag("enable_queue_totals"), request.Context)
        : QueueList.Create(virtualHosts.SelectMany(Sorted), ConsumersByQueue(request), request.Context));

    /// <summary><c>disable_stats=true</c> where the profile answers it (<see cref="Core.Profiles.VersionProfile.QueueStatsCanBeDisabled"/>).</summary>
    private static bool StatisticsDisabled(ApiRequest request) =>
        request.Broker.Settings.Profile.QueueStatsCanBeDisabled && request.QueryFlag("disable_stats");

    private static IEnumerable<Queue> Sorted(VirtualHost virtualHost) => virtualHost.Queues.OrderBy(q => q.Name, StringComparer.Ordinal);

    /// <summary>The queue the path's <c>{queue}</c> names in <paramref name="virtualHost"/>, or 404.</summary>
    public static Queue Find(ApiRequest request, VirtualHost virtualHost) =>
        virtualHost.FindQueue(request.Route("queue")) ?? throw ApiException.NotFound();

    private static ILookup<Queue, Consumer> ConsumersByQueue(ApiRequest request) =>
        BrokerObjects.Consumers(request.Broker).ToLookup(c => c.Queue);

    private static List<Consumer> ConsumersOf(ApiRequest request, Queue queue) =>
        [.. BrokerObjects.Consumers(request.Broker).Where(c => ReferenceEquals(c.Queue, queue))];

    /// <summary>Declares like queue.declare; missing fields take the method's defaults (transient, not auto-delete).</summary>
    private static async Task Put(ApiRequest request)
    {
        var virtualHost = request.VirtualHost(creating: true);
        var name = NameRules.Check(request.Route("queue"), "queue name");
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var definition = new QueueDefinition(
            name,
            virtualHost.Name,
            body.Boolean("durable") ?? false,
            Exclusive: false,
            body.Boolean("auto_delete") ?? false,
            body.Table("arguments"));
        var created = virtualHost.FindQueue(name) is null;
        virtualHost.DeclareQueue(definition, HttpConnection.For(request.User, virtualHost.Name), passive: false, access: request.User.AccessIn(virtualHost.Name));
        request.Created(created);
    }

    private static Task Delete(ApiRequest request)
    {
        var virtualHost = request.VirtualHost();
        var queue = Find(request, virtualHost);
        virtualHost.DeleteQueue(queue.Name, request.QueryFlag("if-unused"), request.QueryFlag("if-empty"), HttpConnection.For(request.User, virtualHost.Name), request.User.AccessIn(virtualHost.Name));
        request.NoContent();
        return Task.CompletedTask;
    }

    private static Task Purge(ApiRequest request)
    {
        var virtualHost = request.VirtualHost();
        var queue = Find(request, virtualHost);
        request.User.AccessIn(virtualHost.Name).Check(AccessKind.Read, ResourceKind.Queue, queue.Name);
        queue.CheckAccess(HttpConnection.For(request.User, virtualHost.Name));
        queue.Purge();
        request.NoContent();
        return Task.CompletedTask;
    }

    private static async Task Get(ApiRequest request)
    {
        var virtualHost = request.VirtualHost();
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var name = request.Route("queue");
        request.User.AccessIn(virtualHost.Name).Check(AccessKind.Read, ResourceKind.Queue, name);
        var queue = virtualHost.GetQueue(name, HttpConnection.For(request.User, virtualHost.Name));
        await request.JsonAsync(HttpGetter.Get(request.Broker, queue, body)).ConfigureAwait(false);
    }
}
