using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.Snapshots;

/// <summary>The restrictions a snapshot keeps besides users and permissions: topic permissions, vhost limits and user limits.</summary>
internal sealed record SecuritySnapshot(
    IReadOnlyList<TopicPermission> TopicPermissions,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<Limit>>> VirtualHostLimits,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<Limit>>> UserLimits);
