using System.Collections.Frozen;

namespace AmqpBroker.Management.Http;

/// <summary>
/// The routes whose RabbitMQ resource offers a single media type: its content_types_provided/2 lists application/json
/// alone (rabbit_mgmt_wm_limits, _user_limits, _operator_policies, _operator_policy, _topic_permissions,
/// _topic_permissions_vhost, _topic_permissions_user, _topic_permission) or text/plain alone (_rebalance_queues), or is
/// cowboy_rest's default (rabbit_mgmt_wm_limit, _user_limit, _queue_purge, _reset, _feature_flag_enable,
/// _vhost_deletion_protection), the same from v3.10.8 (4.1.0 for the last) to v4.3.5. cowboy_rest adds <c>accept</c> to
/// <c>vary</c> only when there is a choice, so their answers vary on <c>accept-encoding, origin</c> alone (checked
/// against RabbitMQ 3.10.8).
/// </summary>
internal static class SingleMediaTypeRoutes
{
    private static readonly FrozenSet<string> Patterns = new[]
    {
        "/api/vhost-limits", "/api/vhost-limits/{vhost}", "/api/vhost-limits/{vhost}/{name}",
        "/api/user-limits", "/api/user-limits/{user}", "/api/user-limits/{user}/{name}",
        "/api/operator-policies", "/api/operator-policies/{vhost}", "/api/operator-policies/{vhost}/{name}",
        "/api/topic-permissions", "/api/vhosts/{vhost}/topic-permissions", "/api/users/{user}/topic-permissions",
        "/api/topic-permissions/{vhost}/{user}", "/api/topic-permissions/{vhost}/{user}/{exchange}",
        "/api/queues/{vhost}/{queue}/contents",
        "/api/feature-flags/{name}/enable", "/api/vhosts/{vhost}/deletion/protection",
        "/api/rebalance/queues", "/api/reset", "/api/reset/{node}",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether the request was routed to one of these resources.</summary>
    public static bool Contains(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint endpoint && Patterns.Contains(endpoint.RoutePattern.RawText ?? "");
}
