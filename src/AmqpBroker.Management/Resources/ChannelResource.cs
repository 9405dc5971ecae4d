using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>/api/channels: the open channels of the connections the user may see.</summary>
internal static class ChannelResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/channels", Access.Management, request => request.ListAsync(Visible(request).Select(c => ChannelJson.Create(c, request.Context))));
        routes.Get("/api/vhosts/{vhost}/channels", Access.Management, request =>
        {
            var virtualHost = request.VirtualHost();
            return request.ListAsync(Visible(request)
                .Where(c => c.Session.Connection.VirtualHost == virtualHost.Name)
                .Select(c => ChannelJson.Create(c, request.Context)));
        });
        routes.Get("/api/channels/{channel}", Access.Management, request =>
        {
            var name = request.Route("channel");
            var channel = Visible(request).FirstOrDefault(c => ChannelJson.Name(c.Session) == name) ?? throw ApiException.NotFound();
            return request.JsonAsync(ChannelJson.CreateDetailed(channel, request.Context));
        });
    }

    private static IEnumerable<ChannelSnapshot> Visible(ApiRequest request) =>
        ConnectionResource.Visible(request).SelectMany(c => c.Channels());
}
