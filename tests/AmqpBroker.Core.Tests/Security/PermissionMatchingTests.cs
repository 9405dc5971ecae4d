using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Security;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Tests.Security;

/// <summary>
/// Permission patterns with RabbitMQ's semantics (unanchored regular expressions, an empty pattern matching
/// nothing, the default exchange checked as amq.default) and its 403 texts, through <see cref="ResourceAccess"/>.
/// </summary>
[TestFixture]
public sealed class PermissionMatchingTests
{
    private Broker _broker = null!;

    [SetUp]
    public void CreateBroker()
    {
        _broker = new Broker(new BrokerSettings(), TimeProvider.System);
        _broker.PutUser(new User("alice", PasswordHasher.Hash("pw"), []));
    }

    [TearDown]
    public void DisposeBroker() => _broker.Dispose();

    [TestCase(".*", "anything", true)]
    [TestCase(".*", "", true)]
    [TestCase("", "anything", false)]
    [TestCase("", "amq.gen-abc", false)]
    [TestCase("q", "aqb", true, TestName = "An unanchored pattern matches inside the name")]
    [TestCase("^q$", "aqb", false)]
    [TestCase("^c-.*", "c-orders", true)]
    [TestCase("^c-.*", "orders-c-", false)]
    [TestCase("^(a|b)$", "b", true)]
    [TestCase("Q", "q", false, TestName = "Matching is case-sensitive")]
    [TestCase("^amq\\.gen-", "amq.gen-xyz", true)]
    public void A_pattern_matches_names_as_RabbitMQ_matches_them(string pattern, string name, bool allowed)
    {
        _broker.SetPermission(new Permission("alice", "/", pattern, pattern, pattern));
        var access = _broker.AccessFor("alice", "/");

        Assert.That(access.IsAllowed(AccessKind.Configure, ResourceKind.Queue, name), Is.EqualTo(allowed));
    }

    [Test]
    public void Configure_write_and_read_are_checked_against_their_own_patterns()
    {
        _broker.SetPermission(new Permission("alice", "/", "^c$", "^w$", "^r$"));
        var access = _broker.AccessFor("alice", "/");

        Assert.Multiple(() =>
        {
            Assert.That(access.IsAllowed(AccessKind.Configure, ResourceKind.Exchange, "c"), Is.True);
            Assert.That(access.IsAllowed(AccessKind.Configure, ResourceKind.Exchange, "w"), Is.False);
            Assert.That(access.IsAllowed(AccessKind.Write, ResourceKind.Exchange, "w"), Is.True);
            Assert.That(access.IsAllowed(AccessKind.Write, ResourceKind.Exchange, "r"), Is.False);
            Assert.That(access.IsAllowed(AccessKind.Read, ResourceKind.Queue, "r"), Is.True);
            Assert.That(access.IsAllowed(AccessKind.Read, ResourceKind.Queue, "c"), Is.False);
        });
    }

    /// <summary>From 3.12 the text names the permission first (rabbit_access_control:check_resource_access at v3.12.0 and v3.10.8).</summary>
    [TestCase("3.10", "ACCESS_REFUSED - access to queue 'q' in vhost '/' refused for user 'alice'")]
    [TestCase("3.13", "ACCESS_REFUSED - read access to queue 'q' in vhost '/' refused for user 'alice'")]
    [TestCase("4.3", "ACCESS_REFUSED - read access to queue 'q' in vhost '/' refused for user 'alice'")]
    public void A_refusal_is_access_refused_naming_the_resource_vhost_and_user(string release, string text)
    {
        using var broker = new Broker(new BrokerSettings { Profile = VersionProfile.For(RabbitMqRelease.Parse(release)) }, TimeProvider.System);
        broker.PutUser(new User("alice", PasswordHasher.Hash("pw"), []));
        broker.SetPermission(new Permission("alice", "/", "", "", ""));
        var access = broker.AccessFor("alice", "/");

        var error = Assert.Throws<AmqpException>(() => access.Check(AccessKind.Read, ResourceKind.Queue, "q"))!;

        Assert.That(error.Code, Is.EqualTo(ReplyCode.AccessRefused));
        Assert.That(error.ReplyText, Is.EqualTo(text));
    }

    [Test]
    public void The_default_exchange_is_checked_and_named_as_amq_default()
    {
        _broker.SetPermission(new Permission("alice", "/", "", "^amq\\.default$", ""));
        var access = _broker.AccessFor("alice", "/");

        Assert.That(access.IsAllowed(AccessKind.Write, ResourceKind.Exchange, string.Empty), Is.True);
        var error = Assert.Throws<AmqpException>(() => access.Check(AccessKind.Configure, ResourceKind.Exchange, string.Empty))!;
        Assert.That(error.Message, Is.EqualTo("configure access to exchange 'amq.default' in vhost '/' refused for user 'alice'"));
    }

    [Test]
    public void Without_a_permission_on_the_vhost_everything_is_refused()
    {
        _broker.AddVirtualHost("other");
        _broker.SetPermission(new Permission("alice", "/", ".*", ".*", ".*"));
        var access = _broker.AccessFor("alice", "other");

        Assert.That(_broker.CanAccessVirtualHost("alice", "other"), Is.False);
        Assert.That(access.IsAllowed(AccessKind.Read, ResourceKind.Queue, "q"), Is.False);
        var error = Assert.Throws<AmqpException>(() => access.Check(AccessKind.Write, ResourceKind.Exchange, "x"))!;
        Assert.That(error.Message, Is.EqualTo("write access to exchange 'x' in vhost 'other' refused for user 'alice'"));
    }

    [Test]
    public void Any_permission_even_one_matching_nothing_opens_the_vhost()
    {
        _broker.SetPermission(new Permission("alice", "/", "", "", ""));

        Assert.That(_broker.CanAccessVirtualHost("alice", "/"), Is.True);
    }

    [Test]
    public void A_changed_or_cleared_permission_applies_to_the_next_check_and_changes_the_version()
    {
        _broker.SetPermission(new Permission("alice", "/", ".*", ".*", ".*"));
        var access = _broker.AccessFor("alice", "/");
        var before = access.Version;
        Assert.That(access.IsAllowed(AccessKind.Write, ResourceKind.Exchange, "x"), Is.True);

        _broker.SetPermission(new Permission("alice", "/", ".*", "^y$", ".*"));
        var afterChange = access.Version;
        Assert.That(access.IsAllowed(AccessKind.Write, ResourceKind.Exchange, "x"), Is.False);

        Assert.That(_broker.ClearPermission("alice", "/"), Is.True);
        Assert.That(access.IsAllowed(AccessKind.Read, ResourceKind.Queue, "q"), Is.False);
        Assert.That(new[] { before, afterChange, access.Version }, Is.Unique);
        Assert.That(_broker.ClearPermission("alice", "/"), Is.False, "nothing left to clear");
    }

    [Test]
    public void Set_permission_replaces_the_one_for_the_same_user_and_vhost()
    {
        _broker.SetPermission(new Permission("alice", "/", "a", "b", "c"));
        _broker.SetPermission(new Permission("alice", "/", "d", "e", "f"));

        Assert.That(_broker.Permissions.Where(p => p.User == "alice"), Is.EqualTo(new[] { new Permission("alice", "/", "d", "e", "f") }));
        Assert.That(_broker.FindPermission("alice", "/"), Is.EqualTo(new Permission("alice", "/", "d", "e", "f")));
        Assert.That(_broker.FindPermission("alice", "nowhere"), Is.Null);
    }

    [Test]
    public void A_pattern_that_is_not_a_regular_expression_is_refused_and_changes_nothing()
    {
        _broker.SetPermission(new Permission("alice", "/", ".*", ".*", ".*"));

        var error = Assert.Throws<PermissionValidationException>(() => _broker.SetPermission(new Permission("alice", "/", "(", ".*", ".*")))!;

        Assert.That(error.Message, Does.StartWith("invalid_regexp '('"));
        Assert.That(_broker.FindPermission("alice", "/")!.Configure, Is.EqualTo(".*"));
    }

    [TestCase("nobody", "/")]
    [TestCase("alice", "nowhere")]
    public void A_permission_for_a_missing_user_or_vhost_is_refused_with_RabbitMQs_reason(string user, string virtualHost)
    {
        var error = Assert.Throws<PermissionValidationException>(() => _broker.SetPermission(new Permission(user, virtualHost, ".*", ".*", ".*")))!;

        Assert.That(error.Message, Is.EqualTo("vhost_or_user_not_found"));
        Assert.That(_broker.FindPermission(user, virtualHost), Is.Null);
    }
}
