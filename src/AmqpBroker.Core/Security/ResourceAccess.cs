using AmqpBroker.Core.Errors;

namespace AmqpBroker.Core.Security;

/// <summary>
/// What one user may do in one virtual host, checked per operation against the current permissions (a
/// change applies to the next operation). Refusals are RabbitMQ's 403: <c>access to queue 'q' in vhost '/'
/// refused for user 'u'</c>, from 3.12 naming the permission first (<c>configure access to queue ...</c>).
/// </summary>
public sealed class ResourceAccess
{
    /// <summary>RabbitMQ checks permissions on the default exchange under this name.</summary>
    public const string DefaultExchangeName = "amq.default";

    private readonly PermissionTable _permissions;
    private readonly TopicPermissionTable _topics;
    private readonly bool _namesPermission;

    /// <param name="permissions">The broker's permissions.</param>
    /// <param name="topics">The broker's topic permissions.</param>
    /// <param name="user">The user.</param>
    /// <param name="virtualHost">The virtual host.</param>
    /// <param name="namesPermission">Whether refusals name the permission (<see cref="Profiles.VersionProfile.RefusalNamesPermission"/>).</param>
    internal ResourceAccess(PermissionTable permissions, TopicPermissionTable topics, string user, string virtualHost, bool namesPermission)
    {
        _permissions = permissions;
        _topics = topics;
        _namesPermission = namesPermission;
        User = user;
        VirtualHost = virtualHost;
    }

    public string User { get; }

    public string VirtualHost { get; }

    /// <summary>Changes whenever any permission changes: a decision cached under one version is stale under another.</summary>
    public int Version => _permissions.Version;

    public bool IsAllowed(AccessKind access, ResourceKind kind, string name) =>
        _permissions.Find(User, VirtualHost) is { } permission && permission.Allows(access, ResourceName(kind, name));

    /// <summary>Throws 403 ACCESS_REFUSED unless the user has <paramref name="access"/> to the resource.</summary>
    public void Check(AccessKind access, ResourceKind kind, string name)
    {
        if (!IsAllowed(access, kind, name))
        {
            var noun = kind == ResourceKind.Queue ? "queue" : "exchange";
            throw AmqpException.AccessRefused($"{Named(access)}access to {noun} '{ResourceName(kind, name)}' in vhost '{VirtualHost}' refused for user '{User}'");
        }
    }

    /// <summary>
    /// The check of a passive declare from RabbitMQ 4.2.7/4.3.1: any of read, write or configure on the resource will do;
    /// refused, it is the configure refusal, which RabbitMQ tries last so that the text is a regular declare's.
    /// </summary>
    public void CheckAny(ResourceKind kind, string name)
    {
        if (!IsAllowed(AccessKind.Read, kind, name) && !IsAllowed(AccessKind.Write, kind, name))
        {
            Check(AccessKind.Configure, kind, name);
        }
    }

    /// <summary>
    /// The topic permission check of a topic exchange: 403 ACCESS_REFUSED unless the user has no topic permission
    /// on <paramref name="exchange"/> or its <paramref name="access"/> pattern matches <paramref name="routingKey"/>.
    /// </summary>
    public void CheckTopic(AccessKind access, string exchange, string routingKey)
    {
        if (_topics.Find(User, VirtualHost, exchange) is { } permission && !permission.Allows(access, routingKey))
        {
            throw AmqpException.AccessRefused($"{Named(access)}access to topic '{routingKey}' in exchange '{exchange}' in vhost '{VirtualHost}' refused for user '{User}'");
        }
    }

    /// <summary>rabbit_access_control's <c>"~s access to ..."</c> from 3.12: <c>configure </c>, <c>write </c> or <c>read </c>.</summary>
    private string Named(AccessKind access) => !_namesPermission ? "" : access switch
    {
        AccessKind.Configure => "configure ",
        AccessKind.Write => "write ",
        _ => "read ",
    };

    private static string ResourceName(ResourceKind kind, string name) =>
        kind == ResourceKind.Exchange && name.Length == 0 ? DefaultExchangeName : name;
}
