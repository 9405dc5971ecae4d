using AmqpBroker.Core.Sessions;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>/api/consumers: the consumers on queues of the vhosts the user may access.</summary>
internal static class ConsumerResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.GetPerVirtualHost("/api/consumers", Access.Management, (request, virtualHosts) =>
        {
            var names = ApiRequest.Names(virtualHosts);
            return request.ListAsync(Sorted(BrokerObjects.Consumers(request.Broker).Where(c => names.Contains(c.Queue.Definition.VirtualHost)))
                .Select(c => ConsumerJson.Create(c, request.Context.NodeName)));
        });
    }

    private static IEnumerable<Consumer> Sorted(IEnumerable<Consumer> consumers) => consumers
        .OrderBy(c => c.Queue.Definition.VirtualHost, StringComparer.Ordinal)
        .ThenBy(c => c.Queue.Name, StringComparer.Ordinal)
        .ThenBy(c => c.Tag, StringComparer.Ordinal);
}
