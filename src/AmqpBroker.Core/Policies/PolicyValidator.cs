using System.Text.RegularExpressions;
using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Queues.Stream;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.Policies;

/// <summary>
/// Checks a policy as RabbitMQ 3.10 does and compiles it: the pattern must be a regular expression, the
/// definition non-empty, every key one RabbitMQ knows with a value it accepts. Keys are checked in name
/// order, the mirroring (ha-*) keys after the others and unknown keys last, which is the order in which
/// RabbitMQ reports the first problem; the messages are RabbitMQ's.
/// </summary>
internal static class PolicyValidator
{
    /// <param name="policy">The policy to check.</param>
    /// <param name="profile">The release whose extra keys are known too; without one, 3.10's keys only.</param>
    /// <param name="allowed">The only keys recognised (an operator policy's, <see cref="OperatorPolicies.Keys"/>); without them, every key RabbitMQ knows.</param>
    public static CompiledPolicy Compile(Policy policy, VersionProfile? profile = null, IReadOnlySet<string>? allowed = null)
    {
        var pattern = ParsePattern(policy.Pattern, RegexLimits.BudgetFor(profile?.CoreRegexLimited == true));
        if (policy.Definition.Count == 0)
        {
            throw new PolicyValidationException("no policy provided");
        }

        foreach (var (key, value) in policy.Definition)
        {
            if (!IsPlain(value))
            {
                throw new PolicyValidationException($"the value of '{key}' is a {value!.GetType().Name}; definitions hold strings, booleans, numbers, null, lists and objects");
            }
        }

        var settings = new PolicySettings();
        List<KeyValuePair<string, object?>> unknown = [];
        foreach (var entry in policy.Definition.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (allowed?.Contains(entry.Key) == false)
            {
                unknown.Add(entry);
            }
            else if (!MirroringPolicyRules.IsMirroringKey(entry.Key))
            {
                settings = Apply(settings, entry.Key, entry.Value) ?? ApplyReleaseKey(profile, settings, entry.Key, entry.Value) ?? Unknown(settings, unknown, entry);
            }
        }

        if (allowed is null)
        {
            MirroringPolicyRules.Check(policy.Definition);
        }

        if (unknown.Count > 0)
        {
            // rabbit_policy:validate0 "~p are not recognised policy settings" (~tp from 3.13): the list at column 0.
            var terms = unknown.Select(e => (ErlangTerms.FormatJson(e.Key), ErlangTerms.FormatJson(e.Value))).ToList();
            throw new PolicyValidationException($"{ErlangList.PrintPairs(terms)} are not recognised policy settings");
        }

        return new CompiledPolicy(policy, pattern, settings);
    }

    /// <summary>The values JSON can carry, which are also the ones the store can keep.</summary>
    private static bool IsPlain(object? value) => value switch
    {
        null or bool or string or float or double => true,
        _ when IntegerValues.TryGet(value, out _) => true,
        IReadOnlyDictionary<string, object?> map => map.Values.All(IsPlain),
        IReadOnlyList<object?> list => list.All(IsPlain),
        _ => false,
    };

    /// <summary>The pattern with its match budget (<see cref="RegexLimits"/>): a name it runs out of budget on does not match.</summary>
    private static Regex ParsePattern(string pattern, TimeSpan matchBudget)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, matchBudget);
        }
        catch (ArgumentException ex)
        {
            throw new PolicyValidationException($"pattern should be regular expression but is invalid: {ex.Message}");
        }
    }

    /// <summary>The settings with one key applied, or null when RabbitMQ does not know the key.</summary>
    private static PolicySettings? Apply(PolicySettings settings, string key, object? value) => key switch
    {
        "alternate-exchange" => settings with { AlternateExchange = Text(value, "alternate exchange name") },
        "dead-letter-exchange" => settings with { DeadLetterExchange = Text(value, "dead letter exchange name") },
        "dead-letter-routing-key" => settings with { DeadLetterRoutingKey = Text(value, "dead letter routing key") },
        "delivery-limit" => settings with { DeliveryLimit = Integer(value, 0, "delivery limit") },
        "expires" => settings with { Expires = Integer(value, 1, "queue expiry") },
        "max-length" => settings with { MaxLength = Integer(value, 0, "maximum length") },
        "max-length-bytes" => settings with { MaxLengthBytes = Integer(value, 0, "maximum length in bytes") },
        "message-ttl" => settings with { MessageTtl = Integer(value, 0, "message TTL") },
        "overflow" => settings with { Overflow = Overflow(value) },
        "queue-mode" => settings with { Lazy = OneOf(value, "queue-mode value", "default", "lazy") == "lazy" },
        "dead-letter-strategy" => settings with { DeadLetterStrategy = DeadLetterStrategyOf(value) },
        "max-age" => settings with { MaxAgeMs = MaxAge(value) },
        "stream-max-segment-size-bytes" => settings with { MaxSegmentSizeBytes = Integer(value, 0, "segment size") },
        _ when IsValidIgnoredKey(key, value) => settings,
        _ => null,
    };

    /// <summary>
    /// Keys that are valid in RabbitMQ but mean nothing in a single-node broker: their values are checked (a
    /// bad one throws) and then ignored. False for a key RabbitMQ does not know.
    /// </summary>
    private static bool IsValidIgnoredKey(string key, object? value)
    {
        switch (key)
        {
            case "initial-cluster-size":
                Integer(value, 0, "cluster size");
                return true;
            case "max-in-memory-bytes" or "max-in-memory-length":
                Integer(value, 0, "maximum memory in bytes");
                return true;
            case "queue-leader-locator":
                OneOf(value, "queue leader locator value", "client-local", "balanced", "random", "least-leaders");
                return true;
            case "queue-master-locator" when value is not ("min-masters" or "client-local" or "random"):
                throw new PolicyValidationException($"{ErlangTerms.FormatJson(value)} invalid queue-master-locator value");
            case "queue-master-locator":
                return true;
            case "queue-version" when !IntegerValues.TryGet(value, out var version) || version is not (1 or 2):
                throw NotValid(value, "queue-version value");
            case "queue-version":
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Keys later releases know, each with the first release that does and its check (rabbit_policies:validate_policy0).
    /// consumer-timeout is read by the consumer timeout; the others mean nothing here and are checked, then ignored.
    /// </summary>
    private static readonly (string Key, RabbitMqRelease Since, Action<object?> Check)[] ReleaseKeys =
    [
        (Sessions.ConsumerTimeout.PolicyKey, new(3, 12), static v => Integer(v, 0, "consumer timeout")),          // release-notes/3.12.0.md (#5437)
        ("stream-filter-size-bytes", new(3, 13), static v => FilterSize(v)),                                      // commit 86479670cf, v3.13.0
        ("consumer-disconnected-timeout", new(4, 3), static v => Integer(v, 0, "consumer disconnected timeout")), // commit d56a4e676d (#13885), v4.3.0
    ];

    private static PolicySettings? ApplyReleaseKey(VersionProfile? profile, PolicySettings settings, string key, object? value)
    {
        foreach (var (known, since, check) in ReleaseKeys)
        {
            if (key == known && profile?.Release >= since)
            {
                check(value);
                return settings;
            }
        }

        return null;
    }

    private static PolicySettings Unknown(PolicySettings settings, List<KeyValuePair<string, object?>> unknown, KeyValuePair<string, object?> entry)
    {
        unknown.Add(entry);
        return settings;
    }

    private static PolicyValidationException NotValid(object? value, string what) => new($"{ErlangTerms.FormatJson(value)} is not a valid {what}");

    private static string Text(object? value, string what) => value as string ?? throw NotValid(value, what);

    private static long Integer(object? value, long minimum, string what) =>
        IntegerValues.TryGet(value, out var integer) && integer >= minimum ? integer : throw NotValid(value, what);

    private static long FilterSize(object? value) =>
        IntegerValues.TryGet(value, out var size) && size is >= 16 and <= 255
            ? size
            : throw new PolicyValidationException($"{ErlangTerms.FormatJson(value)} is not a valid filter size. Valid range is 16-255");

    private static string OneOf(object? value, string what, params string[] allowed) =>
        value is string text && allowed.Contains(text) ? text : throw NotValid(value, what);

    private static OverflowBehaviour Overflow(object? value) => value switch
    {
        "drop-head" => OverflowBehaviour.DropHead,
        "reject-publish" => OverflowBehaviour.RejectPublish,
        "reject-publish-dlx" => OverflowBehaviour.RejectPublishDeadLetter,
        _ => throw NotValid(value, "overflow value"),
    };

    private static DeadLetterStrategy DeadLetterStrategyOf(object? value) =>
        OneOf(value, "dead letter strategy", "at-most-once", "at-least-once") == "at-least-once" ? DeadLetterStrategy.AtLeastOnce : DeadLetterStrategy.AtMostOnce;

    /// <summary>A stream's max-age in milliseconds: a positive whole number and one unit of Y, M, D, h, m or s.</summary>
    private static long MaxAge(object? value) =>
        value is string text && StreamAge.TryParse(text) is { } milliseconds ? milliseconds : throw NotValid(value, "max age");
}
