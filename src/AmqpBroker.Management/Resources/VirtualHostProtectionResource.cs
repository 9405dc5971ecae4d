using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// <c>/api/vhosts/{vhost}/deletion/protection</c> from 4.1 (<see cref="Core.Profiles.VersionProfile.VirtualHostDeletionProtection"/>;
/// rabbit_mgmt_wm_vhost_deletion_protection at v4.1.0 and v4.2.9): POST protects the vhost, DELETE lifts that, both 204,
/// administrators only. POST of an unknown vhost is refused with RabbitMQ's reason, DELETE of one is an unknown object
/// (resource_exists). RabbitMQ also lists GET without serving it (the module has no to_json); that is left out.
/// </summary>
internal static class VirtualHostProtectionResource
{
    private const string Path = "/api/vhosts/{vhost}/deletion/protection";

    public static void Map(IEndpointRouteBuilder routes)
    {
        if (!routes.ServiceProvider.GetRequiredService<ManagementContext>().Broker.Settings.Profile.VirtualHostDeletionProtection)
        {
            return;
        }

        routes.Post(Path, Access.Administrator, request =>
        {
            var name = request.Route("vhost");
            if (!request.Broker.ProtectVirtualHost(name, protect: true))
            {
                throw ApiException.NotFound($"Cannot enable deletion protection of virtual host '{name}' because it does not exist");
            }

            request.NoContent();
            return Task.CompletedTask;
        });
        routes.Delete(Path, Access.Administrator, request =>
            request.NoContentIfFound(request.Broker.ProtectVirtualHost(request.Route("vhost"), protect: false)));
    }
}
