using AmqpBroker.Core.Security;
using AmqpBroker.Management.Messaging;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// POST /api/queues/{vhost}/{queue}/move, an AmqpBroker extension: moves messages to another queue of the
/// vhost (what RabbitMQ's UI does with a shovel plugin). Body: <c>{"destination": "name", "count": n}</c>,
/// count optional (all ready messages). Needs read on the source and write on the destination, as the
/// get and publish it replaces would. Answers <c>{"moved": n}</c>.
/// </summary>
internal static class QueueMoveResource
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.Post("/api/queues/{vhost}/{queue}/move", Access.Management, Move);

    private static async Task Move(ApiRequest request)
    {
        var virtualHost = request.VirtualHost();
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var destinationName = body.RequireString("destination");
        var count = body.Integer("count") ?? long.MaxValue;
        if (count < 0)
        {
            throw ApiException.BadRequest("count must not be negative");
        }

        var connection = HttpConnection.For(request.User, virtualHost.Name);
        var source = QueueResource.Find(request, virtualHost);
        var destination = virtualHost.FindQueue(destinationName) ?? throw ApiException.BadRequest($"no queue '{destinationName}' in vhost '{virtualHost.Name}'");
        if (ReferenceEquals(source, destination))
        {
            throw ApiException.BadRequest("the destination is the source queue");
        }

        var access = request.User.AccessIn(virtualHost.Name);
        access.Check(AccessKind.Read, ResourceKind.Queue, source.Name);
        access.Check(AccessKind.Write, ResourceKind.Queue, destination.Name);
        source.CheckAccess(connection);
        destination.CheckAccess(connection);
        var moved = await QueueMover.MoveAsync(request.Broker, source, destination, count, request.Http.RequestAborted).ConfigureAwait(false);
        await request.JsonAsync(new JsonObject { ["moved"] = moved }).ConfigureAwait(false);
    }
}
