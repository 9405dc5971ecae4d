using System.Globalization;
using System.Numerics;
using System.Text.Json;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel;

/// <summary>
/// The values of the arguments RabbitMQ knows in a shovel's argument tables, checked where they are read as AMQP tables
/// (<see cref="VersionProfile.ShovelArgumentsAsTables"/>): rabbit_shovel_util:validate_amqp_table_args at v4.2.9 and v4.3.5
/// runs each check of rabbit_amqqueue:declare_args (or consume_args) whose argument is present, in that list's order, on
/// the value as rabbit_misc:to_amqp_table typed it (a JSON integer is a long, another number a double, a string a longstr,
/// an object a table, a list an array), and reports each refusal as <c>invalid arg '~ts' in ~ts: ~255p</c>.
/// </summary>
internal static class ShovelArgumentValues
{
    private const string DeadLetterExchange = "x-dead-letter-exchange";

    /// <summary>rabbit_misc:check_expiry's limit: ten years in milliseconds.</summary>
    private static readonly BigInteger MaxExpiry = 315_360_000_000;

    private static readonly string[] Strategies = ["at-most-once", "at-least-once"];
    private static readonly string[] OverflowModes = ["drop-head", "reject-publish", "reject-publish-dlx"];
    private static readonly string[] QueueModes = ["default", "lazy"];
    private static readonly string[] QueueTypes = ["classic", "quorum", "stream"];
    private static readonly string[] LeaderLocators = ["client-local", "balanced", "random", "least-leaders", "min-masters"];
    private static readonly string[] MaxAgeUnits = ["Y", "M", "D", "h", "m", "s"];
    private static readonly string[] NamedOffsets = ["first", "last", "next"];

    /// <summary>One argument's check: null when RabbitMQ accepts the value, else its error term as <c>~p</c> prints it.</summary>
    private delegate string? Check(JsonElement value, JsonElement table);

    /// <summary>Each refusal, in the order RabbitMQ checks the arguments.</summary>
    public static List<string> Problems(string key, JsonElement table, ArgumentPlace place, VersionProfile profile)
    {
        var problems = new List<string>();
        if (table.ValueKind != JsonValueKind.Object)
        {
            return problems;
        }

        foreach (var (name, check) in place == ArgumentPlace.Consume ? ConsumeChecks(profile) : DeclareChecks(profile))
        {
            if (table.TryGetProperty(name, out var value) && check(value, table) is { } error)
            {
                problems.Add($"invalid arg '{name}' in {key}: {error}");
            }
        }

        return problems;
    }

    /// <summary>declare_args at v4.2.9; at v4.3.5 without x-queue-mode, x-queue-version 2 only, with the consumer timeouts.</summary>
    private static IEnumerable<(string Name, Check Check)> DeclareChecks(VersionProfile profile)
    {
        yield return ("x-expires", static (v, _) => Integer(v, out var n) ?? (n == 0 ? "{value_zero,0}" : Expiry(n)));
        yield return ("x-message-ttl", static (v, _) => Integer(v, out var n) ?? Expiry(n));
        yield return (DeadLetterExchange, static (v, _) => String(v, out var _));
        yield return ("x-dead-letter-routing-key", static (v, t) => String(v, out var _) ?? (t.TryGetProperty(DeadLetterExchange, out var _) ? null : "routing_key_but_no_dlx_defined"));
        yield return ("x-dead-letter-strategy", static (v, _) => OneOf(v, Strategies, _ => "invalid_dlx_strategy"));
        yield return ("x-max-length", NonNegative);
        yield return ("x-max-length-bytes", NonNegative);
        yield return ("x-max-in-memory-length", NonNegative);
        yield return ("x-max-in-memory-bytes", NonNegative);
        yield return ("x-max-priority", static (v, t) => NonNegative(v, t) ?? (Value(v) > 255 ? $"{{max_value_exceeded,{Value(v)}}}" : null));
        yield return ("x-overflow", static (v, _) => OneOf(v, OverflowModes, _ => "invalid_overflow"));
        if (!profile.ClassicQueueStorageV1Removed)
        {
            yield return ("x-queue-mode", static (v, _) => OneOf(v, QueueModes, mode => ErlangText.Quoted($"unsupported queue mode '{mode}'")));
        }

        var oldestVersion = profile.ClassicQueueStorageV1Removed ? 2 : 1;
        yield return ("x-queue-version", (v, t) => NonNegative(v, t) ?? (Value(v) >= oldestVersion && Value(v) <= 2 ? null : ErlangText.Quoted($"unsupported queue version '{Value(v)}'")));
        yield return ("x-single-active-consumer", static (v, _) => v.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : Unacceptable(v));
        if (profile.ConsumerTimeoutArgumentsValidated)
        {
            yield return ("x-consumer-timeout", NonNegative);
            yield return ("x-consumer-disconnected-timeout", NonNegative);
        }

        yield return ("x-queue-type", static (v, _) => OneOf(v, QueueTypes, type => ErlangText.Quoted($"unsupported queue type '{type}'")));
        yield return ("x-quorum-initial-group-size", ClusterSize);
        yield return ("x-max-age", static (v, _) => String(v, out var age) ?? (IsMaxAge(age!) ? null : "invalid_max_age"));
        yield return ("x-stream-max-segment-size-bytes", NonNegative);
        yield return ("x-stream-filter-size-bytes", NonNegative);
        yield return ("x-initial-cluster-size", ClusterSize);
        yield return ("x-queue-leader-locator", static (v, _) => OneOf(v, LeaderLocators, _ => "invalid_queue_locator_arg"));
    }

    /// <summary>consume_args at v4.2.9; at v4.3.5 with x-consumer-timeout.</summary>
    private static IEnumerable<(string Name, Check Check)> ConsumeChecks(VersionProfile profile)
    {
        yield return ("x-priority", static (v, _) => Integer(v, out var _));
        if (profile.ConsumerTimeoutArgumentsValidated)
        {
            yield return ("x-consumer-timeout", NonNegative);
        }

        // rabbit_stream_queue:parse_offset_arg: any value but a string that is neither first, last, next nor a max-age.
        yield return ("x-stream-offset", static (v, _) => v.ValueKind != JsonValueKind.String || NamedOffsets.Contains(v.GetString()) || IsMaxAge(v.GetString()!)
            ? null
            : $"{{invalid_stream_offset_arg,{{longstr,{ErlangJson.Format(v)}}}}}");
    }

    private static string? NonNegative(JsonElement value, JsonElement table) =>
        Integer(value, out var n) ?? (n < 0 ? $"{{value_negative,{n}}}" : null);

    /// <summary>check_initial_cluster_size_arg: a non-negative integer other than 0.</summary>
    private static string? ClusterSize(JsonElement value, JsonElement table) =>
        NonNegative(value, table) ?? (Value(value) == 0 ? "{value_zero,0}" : null);

    /// <summary>check_int_arg: a long; the error is a string.</summary>
    private static string? Integer(JsonElement value, out BigInteger integer)
    {
        integer = default;
        var type = TypeOf(value);
        if (type != "long")
        {
            return ErlangText.Quoted($"expected integer, got {type}");
        }

        integer = Value(value);
        return null;
    }

    private static string? Expiry(BigInteger milliseconds) => milliseconds < 0 ? $"{{value_negative,{milliseconds}}}"
        : milliseconds > MaxExpiry ? $"{{value_too_large,{milliseconds}}}"
        : null;

    private static string? String(JsonElement value, out string? text)
    {
        text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return text is null ? Unacceptable(value) : null;
    }

    /// <summary>A string among <paramref name="allowed"/>; another string is <paramref name="refused"/>'s error, another type unacceptable.</summary>
    private static string? OneOf(JsonElement value, string[] allowed, Func<string, string> refused) =>
        String(value, out var text) ?? (allowed.Contains(text) ? null : refused(text!));

    private static string Unacceptable(JsonElement value) => $"{{unacceptable_type,{TypeOf(value)}}}";

    /// <summary>rabbit_amqqueue:check_max_age: digits of a positive number, then one unit.</summary>
    private static bool IsMaxAge(string text)
    {
        var digits = text.TakeWhile(char.IsAsciiDigit).Count();
        return digits > 0 && BigInteger.Parse(text[..digits], CultureInfo.InvariantCulture) > 0 && MaxAgeUnits.Contains(text[digits..]);
    }

    private static BigInteger Value(JsonElement value) => BigInteger.Parse(value.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>rabbit_misc:type_val: the AMQP type a decoded JSON value gets.</summary>
    private static string TypeOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "table",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "longstr",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => IsInteger(value.GetRawText()) ? "long" : "double",
    };

    private static bool IsInteger(string number) => number.TrimStart('-').All(char.IsAsciiDigit);
}
