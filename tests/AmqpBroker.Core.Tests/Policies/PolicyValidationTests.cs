using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Policies;

namespace AmqpBroker.Core.Tests.Policies;

/// <summary>
/// Policy validation with the reasons RabbitMQ 3.10.8 gives for the same definitions (each case was put to
/// its HTTP API; it answers 400 with <c>"Validation failed\n\n" + reason + "\n"</c>).
/// </summary>
[TestFixture]
public sealed class PolicyValidationTests
{
    private static IEnumerable<TestCaseData> RefusedDefinitions()
    {
        yield return Case(Definition(("foo", 1L)), "[{<<\"foo\">>,1}] are not recognised policy settings");
        yield return Case(Definition(("foo", 1L), ("bar", 2L)), "[{<<\"bar\">>,2},{<<\"foo\">>,1}] are not recognised policy settings");
        yield return Case(Definition(("max-length", 1L), ("x", 1L), ("a", 2L), ("z", "q")), "[{<<\"a\">>,2},{<<\"x\">>,1},{<<\"z\">>,<<\"q\">>}] are not recognised policy settings");
        yield return Case(Definition(("foo", new Dictionary<string, object?> { ["a"] = new List<object?> { 1L, "b", true, null, 1.5 } })), "[{<<\"foo\">>,#{<<\"a\">> => [1,<<\"b\">>,true,null,1.5]}}] are not recognised policy settings");
        yield return Case(Definition(("max-priority", 3L)), "[{<<\"max-priority\">>,3}] are not recognised policy settings");
        yield return Case(Definition(("consumer-timeout", 1L)), "[{<<\"consumer-timeout\">>,1}] are not recognised policy settings");
        yield return Case(
            Definition(("foo-setting", 1L), ("bar-setting-long-name", "abcdefgh"), ("baz", true), ("max-length", 1L)),
            "[{<<\"bar-setting-long-name\">>,<<\"abcdefgh\">>},\n {<<\"baz\">>,true},\n {<<\"foo-setting\">>,1}] are not recognised policy settings",
            "~p breaks a list past column 78, one element a line");
        yield return Case(
            Definition(("foo-setting", 1L), ("bar-setting-long-name", "abcdefghijklmnopqrstuvwxyz01")),
            "[{<<\"bar-setting-long-name\">>,<<\"abcdefghijklmnopqrstuvwxyz01\">>},\n {<<\"foo-setting\">>,1}] are not recognised policy settings",
            "~p breaks a list past column 78, one element a line");
        yield return Case(
            Definition(("bar-setting-long-name", "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz")),
            "[{<<\"bar-setting-long-name\">>,\n  <<\"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\">>}] are not recognised policy settings",
            "~p breaks an element past column 78 after its key");
        yield return Case(Definition(), "no policy provided");
        yield return Case(Definition(("message-ttl", -1L)), "-1 is not a valid message TTL");
        yield return Case(Definition(("message-ttl", "a")), "<<\"a\">> is not a valid message TTL");
        yield return Case(Definition(("message-ttl", 1.5)), "1.5 is not a valid message TTL");
        yield return Case(Definition(("message-ttl", true)), "true is not a valid message TTL");
        yield return Case(Definition(("message-ttl", null)), "null is not a valid message TTL");
        yield return Case(Definition(("expires", 0L)), "0 is not a valid queue expiry");
        yield return Case(Definition(("max-length", -1L)), "-1 is not a valid maximum length");
        yield return Case(Definition(("max-length-bytes", "x")), "<<\"x\">> is not a valid maximum length in bytes");
        yield return Case(Definition(("overflow", "bogus")), "<<\"bogus\">> is not a valid overflow value");
        yield return Case(Definition(("overflow", 1L)), "1 is not a valid overflow value");
        yield return Case(Definition(("dead-letter-exchange", 1L)), "1 is not a valid dead letter exchange name");
        yield return Case(Definition(("dead-letter-routing-key", 1L), ("dead-letter-exchange", "x")), "1 is not a valid dead letter routing key");
        yield return Case(Definition(("delivery-limit", -1L)), "-1 is not a valid delivery limit");
        yield return Case(Definition(("alternate-exchange", 3L)), "3 is not a valid alternate exchange name");
        yield return Case(Definition(("queue-mode", "x")), "<<\"x\">> is not a valid queue-mode value");
        yield return Case(Definition(("dead-letter-strategy", "x")), "<<\"x\">> is not a valid dead letter strategy");
        yield return Case(Definition(("max-in-memory-length", -1L)), "-1 is not a valid maximum memory in bytes");
        yield return Case(Definition(("max-in-memory-bytes", "x")), "<<\"x\">> is not a valid maximum memory in bytes");
        yield return Case(Definition(("max-age", "1X")), "<<\"1X\">> is not a valid max age");
        yield return Case(Definition(("max-age", "0D")), "<<\"0D\">> is not a valid max age");
        yield return Case(Definition(("max-age", "1.5D")), "<<\"1.5D\">> is not a valid max age");
        yield return Case(Definition(("stream-max-segment-size-bytes", -1L)), "-1 is not a valid segment size");
        yield return Case(Definition(("queue-leader-locator", "x")), "<<\"x\">> is not a valid queue leader locator value");
        yield return Case(Definition(("initial-cluster-size", -1L)), "-1 is not a valid cluster size");
        yield return Case(Definition(("queue-master-locator", "x")), "<<\"x\">> invalid queue-master-locator value");
        yield return Case(Definition(("message-ttl", 1L), ("foo", 2L), ("expires", -1L)), "-1 is not a valid queue expiry", "values are checked before unknown keys are reported");
        yield return Case(Definition(("expires", -1L), ("message-ttl", -1L)), "-1 is not a valid queue expiry", "keys are checked in name order");
        yield return Case(Definition(("ha-sync-batch-size", 0L), ("ha-mode", "all"), ("expires", 0L)), "0 is not a valid queue expiry", "mirroring keys are checked after the others");
        yield return Case(Definition(("ha-mode", "x")), "<<\"x\">> is not a valid ha-mode value");
        yield return Case(Definition(("ha-params", 1L)), "ha-mode must be specified to specify ha-params, ha-sync-mode or ha-promote-on-shutdown");
        yield return Case(Definition(("ha-promote-on-failure", "always")), "ha-mode must be specified to specify ha-params, ha-sync-mode or ha-promote-on-shutdown");
        yield return Case(Definition(("ha-mode", "all"), ("ha-params", 1L)), "ha-mode=\"all\" does not take parameters");
        yield return Case(Definition(("ha-mode", "exactly")), "ha-mode=\"exactly\" takes an integer, none given");
        yield return Case(Definition(("ha-mode", "exactly"), ("ha-params", 0L)), "ha-mode=\"exactly\" takes an integer, 0 given");
        yield return Case(Definition(("ha-mode", "exactly"), ("ha-params", "2")), "ha-mode=\"exactly\" takes an integer, <<\"2\">> given");
        yield return Case(Definition(("ha-mode", "nodes")), "ha-mode=\"nodes\" takes a list, none given");
        yield return Case(Definition(("ha-mode", "nodes"), ("ha-params", "a")), "ha-mode=\"nodes\" takes a list, <<\"a\">> given");
        yield return Case(Definition(("ha-mode", "nodes"), ("ha-params", new List<object?>())), "ha-mode=\"nodes\" list must be non-empty");
        yield return Case(Definition(("ha-mode", "nodes"), ("ha-params", new List<object?> { 1L })), "ha-mode=\"nodes\" takes a list of strings, [1] was not a string");
        yield return Case(Definition(("ha-mode", "all"), ("ha-sync-mode", "x")), "ha-sync-mode must be \"manual\" or \"automatic\", got <<\"x\">>");
        yield return Case(Definition(("ha-mode", "all"), ("ha-sync-batch-size", 0L)), "ha-sync-batch-size takes an integer greater than 0, 0 given");
        yield return Case(Definition(("ha-mode", "all"), ("ha-promote-on-shutdown", "x")), "ha-promote-on-shutdown must be \"always\" or \"when-synced\", got <<\"x\">>");
        yield return Case(Definition(("ha-mode", "all"), ("ha-promote-on-failure", "x")), "ha-promote-on-failure must be \"always\" or \"when-synced\", got <<\"x\">>");
    }

    private static IEnumerable<TestCaseData> AcceptedDefinitions()
    {
        yield return Accepted(Definition(("dead-letter-routing-key", "k")));
        yield return Accepted(Definition(("message-ttl", 0L), ("max-length", 0L), ("delivery-limit", 0L), ("expires", 1L)));
        yield return Accepted(Definition(("message-ttl", 4_294_967_296L)));
        yield return Accepted(Definition(("message-ttl", 5), ("max-length", (short)3), ("max-length-bytes", (byte)1)));
        yield return Accepted(Definition(("dead-letter-exchange", ""), ("alternate-exchange", "")));
        yield return Accepted(Definition(("queue-mode", "lazy"), ("overflow", "reject-publish-dlx"), ("dead-letter-strategy", "at-least-once")));
        yield return Accepted(Definition(("max-in-memory-length", 1L), ("max-in-memory-bytes", 1L), ("max-age", "10Y"), ("stream-max-segment-size-bytes", 1L)));
        yield return Accepted(Definition(("queue-leader-locator", "balanced"), ("initial-cluster-size", 0L), ("queue-master-locator", "min-masters")));
        yield return Accepted(Definition(("ha-mode", "exactly"), ("ha-params", 2L), ("ha-sync-mode", "automatic")));
        yield return Accepted(Definition(("ha-mode", "nodes"), ("ha-params", new List<object?> { "rabbit@a" })));
        yield return Accepted(Definition(("ha-mode", "all"), ("ha-promote-on-shutdown", "always"), ("ha-promote-on-failure", "when-synced"), ("ha-sync-batch-size", 1L)));
    }

    [TestCaseSource(nameof(RefusedDefinitions))]
    public void A_bad_definition_is_refused_with_RabbitMQs_reason(Dictionary<string, object?> definition, string reason)
    {
        var error = Assert.Throws<PolicyValidationException>(() => PolicyValidator.Compile(Policy(definition)))!;

        Assert.That(error.Message, Is.EqualTo(reason));
    }

    [TestCaseSource(nameof(AcceptedDefinitions))]
    public void A_definition_RabbitMQ_accepts_is_accepted(Dictionary<string, object?> definition) =>
        Assert.That(PolicyValidator.Compile(Policy(definition)).Policy.Definition, Is.SameAs(definition));

    [Test]
    public void A_pattern_that_is_not_a_regular_expression_is_refused()
    {
        var error = Assert.Throws<PolicyValidationException>(() => PolicyValidator.Compile(Policy(Definition(("message-ttl", 1L))) with { Pattern = "(" }))!;

        Assert.That(error.Message, Does.StartWith("pattern should be regular expression but is invalid: "));
    }

    [Test]
    public void A_value_JSON_cannot_carry_is_refused_before_anything_else()
    {
        var error = Assert.Throws<PolicyValidationException>(() => PolicyValidator.Compile(Policy(Definition(("message-ttl", DateTime.UnixEpoch)))))!;

        Assert.That(error.Message, Does.StartWith("the value of 'message-ttl' is a DateTime"));
    }

    [Test]
    public void The_settings_this_broker_applies_are_read_into_typed_values()
    {
        var settings = PolicyValidator.Compile(Policy(Definition(
            ("message-ttl", 1000L), ("expires", 2000), ("max-length", 3L), ("max-length-bytes", 4L), ("overflow", "reject-publish"),
            ("dead-letter-exchange", "dlx"), ("dead-letter-routing-key", "dlk"), ("delivery-limit", 5L), ("alternate-exchange", "ae"), ("queue-mode", "lazy")))).Settings;

        Assert.That(settings, Is.EqualTo(new PolicySettings
        {
            MessageTtl = 1000,
            Expires = 2000,
            MaxLength = 3,
            MaxLengthBytes = 4,
            Overflow = Core.Queues.OverflowBehaviour.RejectPublish,
            DeadLetterExchange = "dlx",
            DeadLetterRoutingKey = "dlk",
            DeliveryLimit = 5,
            AlternateExchange = "ae",
            Lazy = true,
        }));
    }

    private static TestCaseData Case(Dictionary<string, object?> definition, string reason, string? why = null)
    {
        var data = new TestCaseData(definition, reason).SetArgDisplayNames(reason);
        return why is null ? data : data.SetDescription(why);
    }

    private static TestCaseData Accepted(Dictionary<string, object?> definition) =>
        new TestCaseData(definition).SetArgDisplayNames(string.Join(",", definition.Select(e => $"{e.Key}={ErlangTerms.FormatJson(e.Value)}")));

    private static Dictionary<string, object?> Definition(params (string Key, object? Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);

    private static Policy Policy(Dictionary<string, object?> definition) => new("/", "p", ".*", PolicyApplyTo.All, 0, definition);
}
