namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// A vhost protected from deletion was to be deleted; the message is RabbitMQ's (rabbit_mgmt_wm_vhost:delete_resource and
/// rabbit_vhost:delete at v4.1.0).
/// </summary>
public sealed class VirtualHostProtectedException(string virtualHost)
    : Exception($"Refusing to delete virtual host '{virtualHost}' because it is protected from deletion")
{
    public string VirtualHost { get; } = virtualHost;
}
