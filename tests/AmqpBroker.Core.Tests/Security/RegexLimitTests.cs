using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.Tests.Security;

/// <summary>
/// rabbit_re's limits in core (deps/rabbit_common/src/rabbit_re.erl, commit e5846514b1, tagged v4.2.8 and v4.3.2): a
/// policy, permission or topic permission pattern over 1024 bytes is refused when set (rabbit_parameter_validation:regex,
/// rabbit_auth_backend_internal:set_permissions and set_topic_permissions), and a match that runs out of its budget
/// matches nothing (rabbit_policy:matches, check_resource_access and check_topic_access deny on an error), as PCRE's
/// default match limit made re:run answer nomatch before.
/// </summary>
[TestFixture("4.1")]
[TestFixture("4.2")]
[TestFixture("4.3")]
public sealed class RegexLimitTests(string release)
{
    /// <summary>Backtracks exponentially on a run of a's that ends in something else.</summary>
    private const string Runaway = "^(a|aa)+$";

    private static readonly string LongPattern = new('x', RegexLimits.MaxPatternBytes + 1);

    private Broker _broker = null!;

    private bool Limited => _broker.Settings.Profile.CoreRegexLimited;

    [SetUp]
    public void CreateBroker()
    {
        _broker = new Broker(new BrokerSettings { Profile = VersionProfile.For(RabbitMqRelease.Parse(release)) }, TimeProvider.System);
        _broker.PutUser(new User("alice", PasswordHasher.Hash("pw"), []));
    }

    [TearDown]
    public void DisposeBroker() => _broker.Dispose();

    [Test]
    public void Only_4_2_8_and_4_3_2_limit_core_patterns() =>
        Assert.That(Limited, Is.EqualTo(release != "4.1"));

    [Test]
    public void A_permission_pattern_over_1024_bytes_is_refused_where_limited()
    {
        void Set() => _broker.SetPermission(new Permission("alice", "/", ".*", LongPattern, ".*"));

        if (!Limited)
        {
            Set();
            Assert.That(_broker.FindPermission("alice", "/")!.Write, Is.EqualTo(LongPattern));
            return;
        }

        var error = Assert.Throws<PermissionValidationException>(Set)!;
        Assert.That(error.Message, Is.EqualTo($"invalid_regexp '{LongPattern}': pattern_too_long"));
        Assert.That(_broker.FindPermission("alice", "/"), Is.Null);
    }

    [Test]
    public void The_limit_counts_utf8_bytes_not_characters()
    {
        // 513 two-byte characters: 1026 bytes (rabbit_re:compile measures the binary, or binary_to_list's bytes).
        var accented = new string('é', 513);

        if (Limited)
        {
            Assert.Throws<PermissionValidationException>(() => _broker.SetPermission(new Permission("alice", "/", accented, ".*", ".*")));
            Assert.Throws<PermissionValidationException>(() => _broker.SetTopicPermission(new TopicPermission("alice", "/", "amq.topic", ".*", accented)));
        }

        var atLimit = new string('é', 512);
        _broker.SetPermission(new Permission("alice", "/", atLimit, atLimit, atLimit));
        _broker.SetTopicPermission(new TopicPermission("alice", "/", "amq.topic", atLimit, atLimit));
        Assert.That(_broker.FindPermission("alice", "/")!.Configure, Is.EqualTo(atLimit));
    }

    [Test]
    public void A_topic_permission_pattern_over_1024_bytes_is_refused_where_limited()
    {
        void Set() => _broker.SetTopicPermission(new TopicPermission("alice", "/", "amq.topic", ".*", LongPattern));

        if (!Limited)
        {
            Set();
            Assert.That(_broker.TopicPermissions, Has.Count.EqualTo(1));
            return;
        }

        var error = Assert.Throws<PermissionValidationException>(Set)!;
        Assert.That(error.Message, Is.EqualTo($"invalid_regexp '{LongPattern}': pattern_too_long"));
        Assert.That(_broker.TopicPermissions, Is.Empty);
    }

    [Test]
    public void A_policy_pattern_over_1024_bytes_is_refused_where_limited()
    {
        var policy = new Policy("/", "long", LongPattern, PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["max-length"] = 1L });

        if (!Limited)
        {
            _broker.PutPolicy(policy);
            Assert.That(_broker.Policies.Single().Pattern, Is.EqualTo(LongPattern));
            return;
        }

        var error = Assert.Throws<PolicyValidationException>(() => _broker.PutPolicy(policy))!;
        Assert.That(error.Message, Is.EqualTo("pattern must not exceed 1024 bytes"));
        Assert.That(_broker.Policies, Is.Empty);
    }

    /// <summary>rabbit_auth_backend_internal:set_permissions checks configure, write and read in turn; the first bad one is the reason.</summary>
    [Test]
    public void The_first_bad_pattern_is_the_reason()
    {
        var error = Assert.Throws<PermissionValidationException>(() => _broker.SetPermission(new Permission("alice", "/", "(", LongPattern, ".*")))!;
        Assert.That(error.Message, Does.StartWith("invalid_regexp '('"));

        error = Assert.Throws<PermissionValidationException>(() => _broker.SetPermission(new Permission("alice", "/", LongPattern, "(", ".*")))!;
        Assert.That(error.Message, Does.StartWith(Limited ? $"invalid_regexp '{LongPattern}': pattern_too_long" : "invalid_regexp '('"));
    }

    [Test]
    public void A_permission_match_out_of_budget_refuses_access()
    {
        _broker.SetPermission(new Permission("alice", "/", Runaway, Runaway, Runaway));
        var access = _broker.AccessFor("alice", "/");

        Assert.That(access.IsAllowed(AccessKind.Configure, ResourceKind.Queue, "aa"), Is.True);
        Assert.That(access.IsAllowed(AccessKind.Configure, ResourceKind.Queue, new string('a', 40) + "!"), Is.False);
    }

    [Test]
    public void A_topic_permission_match_out_of_budget_refuses_access()
    {
        _broker.SetTopicPermission(new TopicPermission("alice", "/", "amq.topic", Runaway, ".*"));
        var access = _broker.AccessFor("alice", "/");

        Assert.DoesNotThrow(() => access.CheckTopic(AccessKind.Write, "amq.topic", "aaa"));
        var error = Assert.Throws<AmqpException>(() => access.CheckTopic(AccessKind.Write, "amq.topic", new string('a', 40) + "!"))!;
        Assert.That(error.Code, Is.EqualTo(Protocol.Methods.ReplyCode.AccessRefused));
    }

    [Test]
    public void A_policy_match_out_of_budget_does_not_apply()
    {
        var policy = new Policy("/", "runaway", Runaway, PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["max-length"] = 1L });
        var compiled = PolicyValidator.Compile(policy, _broker.Settings.Profile);

        Assert.That(compiled.AppliesTo("aa", PolicyTarget.Queue), Is.True);
        Assert.That(compiled.AppliesTo(new string('a', 40) + "!", PolicyTarget.Queue), Is.False);
    }

    /// <summary>release-notes/4.2.4.md (#15442): <c>{username}</c> is escaped; rabbit_re:escape adds <c>-</c> (v4.2.9, v4.3.3).</summary>
    [TestCase("a.b", "^{username}$", "a.b", true)]
    [TestCase("a.b", "^{username}$", "axb", false)]
    [TestCase("a-z", "^[{username}]-s$", "a-s", true)]
    [TestCase("a-z", "^[{username}]-s$", "b-s", false)]
    public void Topic_permission_variables_are_escaped_from_4_2_4(string user, string pattern, string routingKey, bool allowedWhenEscaped)
    {
        _broker.PutUser(new User(user, PasswordHasher.Hash("pw"), []));
        _broker.SetTopicPermission(new TopicPermission(user, "/", "amq.topic", pattern, ".*"));
        var access = _broker.AccessFor(user, "/");

        void Publish() => access.CheckTopic(AccessKind.Write, "amq.topic", routingKey);

        if (allowedWhenEscaped || !_broker.Settings.Profile.TopicPermissionVariablesEscaped)
        {
            Assert.DoesNotThrow(Publish);
        }
        else
        {
            Assert.Throws<AmqpException>(Publish);
        }
    }

    [TestCase("plain", "plain")]
    [TestCase(@"a.b-c[d]{e}(f)|g?h*i+j^k$l\m", @"a\.b\-c\[d\]\{e\}\(f\)\|g\?h\*i\+j\^k\$l\\m")]
    [TestCase("x y#z", "x y#z")]
    public void Escape_puts_a_backslash_before_rabbit_re_metacharacters_only(string value, string escaped) =>
        Assert.That(RegexLimits.Escape(value), Is.EqualTo(escaped));
}
