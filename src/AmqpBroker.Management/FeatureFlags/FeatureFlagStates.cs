using System.Collections.Concurrent;

namespace AmqpBroker.Management.FeatureFlags;

/// <summary>
/// The state of each feature flag on this node. A fresh RabbitMQ node enables every stable and required flag and leaves
/// experimental ones disabled (rabbit_feature_flags: a virgin node enables the default set); an experimental flag enabled
/// through <c>PUT /api/feature-flags/{name}/enable</c> shows as enabled from then on, for as long as the broker runs
/// (RabbitMQ records it on disk; enabling one changes nothing else here).
/// </summary>
internal sealed class FeatureFlagStates
{
    private readonly ConcurrentDictionary<string, bool> _enabled = new(StringComparer.Ordinal);

    public bool IsEnabled(FeatureFlagTable.Row flag) => !flag.Stability.StartsWith("experimental", StringComparison.Ordinal) || _enabled.ContainsKey(flag.Name);

    public void Enable(string name) => _enabled[name] = true;
}
