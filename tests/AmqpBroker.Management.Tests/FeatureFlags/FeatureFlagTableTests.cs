using AmqpBroker.Core.Profiles;
using AmqpBroker.Management.FeatureFlags;

namespace AmqpBroker.Management.Tests.FeatureFlags;

/// <summary>
/// The per-release tables of feature flags and deprecated features: one row per name and release, as many as the
/// <c>-rabbit_feature_flag</c> and <c>-rabbit_deprecated_feature</c> attributes of rabbit, rabbitmq_management and
/// rabbitmq_management_agent at each release's tag (v3.10.8, v3.13.7, v4.0.9, v4.1.8, v4.2.9, v4.3.5).
/// </summary>
public sealed class FeatureFlagTableTests
{
    [TestCase("3.10", 9, 0)]
    [TestCase("3.13", 24, 5)]
    [TestCase("4.0", 26, 7)]
    [TestCase("4.1", 27, 8)]
    [TestCase("4.2", 28, 8)]
    [TestCase("4.3", 33, 8)]
    public void Each_release_has_its_flags_and_deprecated_features_once(string release, int flags, int deprecated)
    {
        var version = RabbitMqRelease.Parse(release);

        var flagNames = FeatureFlagTable.Of(version).Select(row => row.Name).ToList();
        var deprecatedNames = DeprecatedFeatureTable.Of(version).Select(row => row.Name).ToList();

        Assert.That((flagNames.Count, deprecatedNames.Count), Is.EqualTo((flags, deprecated)));
        Assert.That(flagNames, Is.Unique);
        Assert.That(deprecatedNames, Is.Unique);
    }

    /// <summary>khepri_db: experimental in 3.13 to 4.1 (disabled on a fresh node), stable in 4.2, required in 4.3 (rabbit_core_ff per tag).</summary>
    [TestCase("3.13", "experimental")]
    [TestCase("4.1", "experimental/supported")]
    [TestCase("4.2", "stable")]
    [TestCase("4.3", "required")]
    public void The_metadata_store_flag_matures_over_the_releases(string release, string stability)
    {
        var khepri = FeatureFlagTable.Of(RabbitMqRelease.Parse(release)).Single(row => row.Name == "khepri_db");

        Assert.That((khepri.Stability, new FeatureFlagStates().IsEnabled(khepri)), Is.EqualTo((stability, !stability.StartsWith("experimental", StringComparison.Ordinal))));
    }
}
