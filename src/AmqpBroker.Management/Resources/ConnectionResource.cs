using AmqpBroker.Core;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/connections: list, get, and close (DELETE sends the client connection.close with 320
/// CONNECTION_FORCED and the <c>X-Reason</c> header's text). Users see their own connections; monitoring
/// users see all; closing another user's connection takes administrator.
/// </summary>
internal static class ConnectionResource
{
    /// <summary>RabbitMQ's reason when the DELETE names none.</summary>
    private const string DefaultReason = "Closed via management plugin";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/connections", Access.Management, request => request.ListAsync(Visible(request).Select(c => ConnectionJson.Create(c, request.Context))));
        routes.Get("/api/vhosts/{vhost}/connections", Access.Management, request =>
        {
            var virtualHost = request.VirtualHost();
            return request.ListAsync(Visible(request).Where(c => c.VirtualHost == virtualHost.Name).Select(c => ConnectionJson.Create(c, request.Context)));
        });
        routes.Get("/api/connections/{connection}", Access.Management, request => request.JsonAsync(ConnectionJson.Create(Find(request), request.Context)));
        routes.Delete("/api/connections/{connection}", Access.Management, request =>
        {
            var connection = Find(request);
            if (connection.User.Name != request.User.Name && !request.User.IsAdministrator)
            {
                throw ApiException.NotAuthorised("User not authorised to access object");
            }

            Close(request, connection);
            return Task.CompletedTask;
        });
        routes.Get("/api/connections/{connection}/channels", Access.Management, request =>
            request.ListAsync(Find(request).Channels().Select(c => ChannelJson.Create(c, request.Context))));
        routes.Get("/api/connections/username/{username}", Access.Management, request =>
            request.ListAsync(OfUser(request).Select(c => ConnectionJson.Create(c, request.Context))));
        routes.Delete("/api/connections/username/{username}", Access.Management, request =>
        {
            var connections = OfUser(request).ToList();
            if (request.Route("username") != request.User.Name && !request.User.IsAdministrator)
            {
                throw ApiException.NotAuthorised("User not authorised to access object");
            }

            foreach (var connection in connections)
            {
                Close(request, connection);
            }

            return Task.CompletedTask;
        });
    }

    public static IEnumerable<ClientConnection> Visible(ApiRequest request) =>
        request.Broker.Connections.Where(request.User.CanSee).OrderBy(c => c.Name, StringComparer.Ordinal);

    /// <summary>A connection the user may see, by name; 404 otherwise, so others' connections are not revealed.</summary>
    private static ClientConnection Find(ApiRequest request)
    {
        var name = request.Route("connection");
        return Visible(request).FirstOrDefault(c => c.Name == name) ?? throw ApiException.NotFound();
    }

    private static IEnumerable<ClientConnection> OfUser(ApiRequest request)
    {
        var name = request.Route("username");
        return Visible(request).Where(c => c.User.Name == name);
    }

    private static void Close(ApiRequest request, ClientConnection connection)
    {
        var reason = request.Http.Request.Headers["X-Reason"].ToString();
        connection.ForceClose(reason.Length > 0 ? reason : DefaultReason);
        request.NoContent();
    }
}
