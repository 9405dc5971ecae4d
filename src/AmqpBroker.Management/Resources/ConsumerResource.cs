using AmqpBroker.Core.Sessions;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>/api/consumers: the consumers on queues of the vhosts the user may access.</summary>
internal static class ConsumerResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/consumers", Access.Management, request =>
        {
            var visible = request.VisibleVirtualHostNames();
            return request.ListAsync(Sorted(BrokerObjects.Consumers(request.Broker).Where(c => visible.Contains(c.Queue.Definition.VirtualHost)))
                .Select(c => ConsumerJson.Create(c, request.Context.NodeName)));
        });
        routes.Get("/api/consumers/{vhost}", Access.Management, request =>
        {
            var virtualHost = request.VirtualHost();
            return request.ListAsync(Sorted(BrokerObjects.Consumers(request.Broker).Where(c => c.Queue.Definition.VirtualHost == virtualHost.Name))
                .Select(c => ConsumerJson.Create(c, request.Context.NodeName)));
        });
    }

    private static IEnumerable<Consumer> Sorted(IEnumerable<Consumer> consumers) => consumers
        .OrderBy(c => c.Queue.Definition.VirtualHost, StringComparer.Ordinal)
        .ThenBy(c => c.Queue.Name, StringComparer.Ordinal)
        .ThenBy(c => c.Tag, StringComparer.Ordinal);
}
