using System.Text.Json;
using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Core.Policies;

/// <summary>
/// RabbitMQ's operator policies: policies an administrator sets to cap what applications' policies and queue
/// arguments may set. They are runtime parameters of component <c>operator_policy</c> (rabbit_policy.erl
/// registers it), so they are stored, exported and imported as parameters; only the keys of
/// <see cref="Keys"/> are allowed (rabbit_policies.erl registers them as <c>operator_policy_validator</c>), and
/// queue-version and overflow from 3.13 (<see cref="VersionProfile.OperatorPolicyQueueVersionAndOverflow"/>).
/// At most one applies to a queue or exchange, the matching one of highest priority, besides its policy; the
/// two definitions merge as rabbit_policy:merge_operator_definitions/2 does.
/// </summary>
public static class OperatorPolicies
{
    /// <summary>The runtime parameter component name.</summary>
    public const string Component = "operator_policy";

    /// <summary>The definition keys an operator policy may set on every release; where both policies set one, the smaller value is in force.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        "expires", "message-ttl", "max-length", "max-length-bytes", "max-in-memory-length", "max-in-memory-bytes", "delivery-limit",
    };

    /// <summary>The keys an operator policy may also set from 3.13, whose operator value is in force where both policies set one.</summary>
    private static readonly IReadOnlySet<string> KeysFrom313 = new HashSet<string>(Keys.Append("queue-version").Append("overflow"), StringComparer.Ordinal);

    /// <summary>The keys allowed on <paramref name="profile"/>'s release: <see cref="Keys"/>, and queue-version and overflow where <see cref="VersionProfile.OperatorPolicyQueueVersionAndOverflow"/>.</summary>
    internal static IReadOnlySet<string> KeysOf(VersionProfile profile) => profile.OperatorPolicyQueueVersionAndOverflow ? KeysFrom313 : Keys;

    /// <summary>
    /// The effective definition: every key of either, in name order; where both set one of <see cref="Keys"/> the smaller
    /// number is in force (rabbit_policies:merge_policy_value/3 is min/2 for them), for any other key the operator's.
    /// </summary>
    internal static IReadOnlyDictionary<string, object?> MergeDefinitions(Policy? policy, Policy? operatorPolicy)
    {
        var merged = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in policy?.Definition ?? new Dictionary<string, object?>())
        {
            merged[key] = value;
        }

        foreach (var (key, value) in operatorPolicy?.Definition ?? new Dictionary<string, object?>())
        {
            merged[key] = Keys.Contains(key) && merged.TryGetValue(key, out var own) ? Smaller(own, value) : value;
        }

        return merged;
    }

    /// <summary>The settings in force: the policy's, each operator-capped one the smaller of the two.</summary>
    internal static PolicySettings? MergeSettings(PolicySettings? settings, PolicySettings? operatorSettings) =>
        (settings, operatorSettings) switch
        {
            (null, _) => operatorSettings,
            (_, null) => settings,
            _ => settings with
            {
                Expires = Min(settings.Expires, operatorSettings.Expires),
                MessageTtl = Min(settings.MessageTtl, operatorSettings.MessageTtl),
                MaxLength = Min(settings.MaxLength, operatorSettings.MaxLength),
                MaxLengthBytes = Min(settings.MaxLengthBytes, operatorSettings.MaxLengthBytes),
                DeliveryLimit = Min(settings.DeliveryLimit, operatorSettings.DeliveryLimit),
                Overflow = operatorSettings.Overflow ?? settings.Overflow,
            },
        };

    /// <summary>
    /// Reads and checks an <c>operator_policy</c> parameter's value (pattern, definition, priority, apply-to) as
    /// rabbit_policy:validate/5 does; throws <see cref="ParameterValidationException"/> with RabbitMQ's reason.
    /// </summary>
    internal static CompiledPolicy Compile(RuntimeParameter parameter, VersionProfile profile)
    {
        var value = parameter.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ParameterValidationException("not a dictionary");
        }

        try
        {
            var policy = new Policy(
                parameter.VirtualHost,
                parameter.Name,
                Required(parameter, "pattern") is { ValueKind: JsonValueKind.String } pattern ? pattern.GetString()! : throw new ParameterValidationException("pattern should be a binary"),
                ApplyTo(Member(value, "apply-to")),
                Required(parameter, "priority") is { ValueKind: JsonValueKind.Number } priority && priority.TryGetInt32(out var number) ? number : throw new ParameterValidationException("priority should be a number"),
                Required(parameter, "definition") is { ValueKind: JsonValueKind.Object } definition ? PlainJson.Table(definition) : throw new ParameterValidationException("definition must be a dictionary"));
            return PolicyValidator.Compile(policy, profile, KeysOf(profile));
        }
        catch (PolicyValidationException ex)
        {
            throw new ParameterValidationException(ex.Message);
        }
    }

    /// <summary>A mandatory member, missing as rabbit_parameter_validation:proplist/3 says.</summary>
    private static JsonElement Required(RuntimeParameter parameter, string name) =>
        Member(parameter.Value, name) ?? throw new ParameterValidationException($"Key \"{name}\" not found in {parameter.Name}");

    private static JsonElement? Member(JsonElement value, string name) => value.TryGetProperty(name, out var member) ? member : null;

    private static PolicyApplyTo ApplyTo(JsonElement? value) => value?.ValueKind switch
    {
        null => PolicyApplyTo.All,
        JsonValueKind.String => value.Value.GetString() switch
        {
            "all" => PolicyApplyTo.All,
            "queues" => PolicyApplyTo.Queues,
            "exchanges" => PolicyApplyTo.Exchanges,
            var other => throw new ParameterValidationException($"apply-to '{other}' unrecognised; should be 'queues', 'exchanges' or 'all'"),
        },
        _ => throw new ParameterValidationException($"apply-to '{value.Value.GetRawText()}' unrecognised; should be 'queues', 'exchanges' or 'all'"),
    };

    private static object? Smaller(object? own, object? capped) =>
        IntegerValues.TryGet(own, out var mine) && IntegerValues.TryGet(capped, out var cap) && mine < cap ? own : capped;

    private static long? Min(long? own, long? capped) => own is { } mine && capped is { } cap ? Math.Min(mine, cap) : own ?? capped;
}
