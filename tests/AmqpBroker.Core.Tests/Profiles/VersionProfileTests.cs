using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Core.Tests.Profiles;

/// <summary>The table of RabbitMQ releases: what can be asked for, and that each release carries its predecessors' differences.</summary>
[TestFixture]
public sealed class VersionProfileTests
{
    [TestCase("3.10", 3, 10)]
    [TestCase("4.2", 4, 2)]
    [TestCase("4.3.5", 4, 3)]
    [TestCase(" 4.0 ", 4, 0)]
    public void A_supported_release_is_read_with_or_without_its_patch_number(string text, int major, int minor)
    {
        Assert.That(RabbitMqRelease.Parse(text), Is.EqualTo(new RabbitMqRelease(major, minor)));
    }

    [TestCase("3.12")]
    [TestCase("5.0")]
    [TestCase("4")]
    [TestCase("4.x")]
    [TestCase("")]
    public void Anything_else_is_refused_naming_the_supported_releases(string text)
    {
        var refused = Assert.Throws<ArgumentException>(() => RabbitMqRelease.Parse(text));

        Assert.That(refused!.Message, Does.Contain("3.10, 3.13, 4.0, 4.1, 4.2, 4.3"));
    }

    [Test]
    public void Every_supported_release_has_a_profile_and_the_default_is_4_2()
    {
        Assert.That(VersionProfile.All.Select(p => p.Release), Is.EqualTo(RabbitMqRelease.Supported));
        Assert.That(VersionProfile.Default.Release, Is.EqualTo(new RabbitMqRelease(4, 2)));
        Assert.That(VersionProfile.All.Select(p => p.ReportedVersion), Is.All.Match(@"^\d+\.\d+\.\d+$"));
        Assert.That(VersionProfile.All.Select(p => p.ReportedVersion[..p.Release.ToString().Length]), Is.EqualTo(RabbitMqRelease.Supported.Select(r => r.ToString())));
    }

    [Test]
    public void A_difference_holds_from_the_release_that_introduced_it_onwards()
    {
        bool[] channelError = [.. VersionProfile.All.Select(p => p.UnknownExchangeTypeIsChannelError)];
        bool[] transientPermitted = [.. VersionProfile.All.Select(p => p.TransientNonExclusiveQueuesPermitted)];
        uint[] preAuthFrameMax = [.. VersionProfile.All.Select(p => p.PreAuthenticationFrameMax)];

        Assert.That(channelError, Is.EqualTo(new[] { false, true, true, true, true, true }));
        Assert.That(transientPermitted, Is.EqualTo(new[] { true, true, true, true, true, false }));
        Assert.That(preAuthFrameMax, Is.EqualTo(new uint[] { 4096, 4096, 4096, 8192, 8192, 8192 }));
        Assert.That(VersionProfile.For(new(3, 13)).QuorumDefaultDeliveryLimit, Is.Null);
        Assert.That(VersionProfile.For(new(4, 0)).QuorumDefaultDeliveryLimit, Is.EqualTo(20));
        Assert.That(VersionProfile.For(new(4, 3)).QuorumPriorities, Is.EqualTo(QuorumPriorities.Strict32));
    }
}
