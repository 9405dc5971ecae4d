using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Core.Tests.Profiles;

/// <summary>A deprecated feature's state from the profile's default and the operator's override, and RabbitMQ's words when it is denied.</summary>
[TestFixture]
public sealed class DeprecatedFeatureTests
{
    [TestCase("4.2", null, true)]
    [TestCase("4.2", false, false)]
    [TestCase("4.3", null, false)]
    [TestCase("4.3", true, true)]
    public void The_override_wins_over_the_releases_default(string release, bool? permit, bool permitted)
    {
        var settings = TestSupport.TestData.Settings(release) with { DeprecatedFeatures = new DeprecatedFeatures { PermitTransientNonExclusiveQueues = permit, PermitGlobalQos = permit } };

        Assert.That(DeprecatedFeature.TransientNonExclusiveQueuesOf(settings).IsPermitted, Is.EqualTo(permitted));
        Assert.That(DeprecatedFeature.GlobalQosOf(settings).IsPermitted, Is.EqualTo(permitted));
    }

    [Test]
    public void Denied_by_default_says_so_and_names_the_switch()
    {
        var message = new DeprecatedFeature("global_qos", PermittedByDefault: false, Configured: null).DeniedMessage;

        // rabbit_deprecated_features:generate_warnings1, phase denied_by_default, when_denied.
        Assert.That(message, Does.StartWith("Feature `global_qos` is deprecated.\nBy default, this feature is not permitted anymore.\n"));
        Assert.That(message, Does.EndWith("\n    \"deprecated_features.permit.global_qos = true\""));
    }

    [Test]
    public void Denied_by_configuration_quotes_the_setting_that_denies_it()
    {
        var message = new DeprecatedFeature("transient_nonexcl_queues", PermittedByDefault: true, Configured: false).DeniedMessage;

        // rabbit_deprecated_features:generate_warnings1, phase permitted_by_default, when_denied.
        Assert.That(message, Does.StartWith(
            "Feature `transient_nonexcl_queues` is deprecated.\nIts use is not permitted per the configuration (overriding the default, which is permitted):\n"
            + "    \"deprecated_features.permit.transient_nonexcl_queues = false\"\n"));
    }
}
