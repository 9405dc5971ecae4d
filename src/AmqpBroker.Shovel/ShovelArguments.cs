using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel;

/// <summary>
/// A shovel's argument tables (<c>src-queue-args</c>, <c>dest-queue-args</c>, <c>src-consumer-args</c>) checked as the
/// release checks them (<see cref="VersionProfile.ShovelArgumentsAsTables"/>): before 4.2.5 as proplists against
/// rabbit_amqqueue's declare_args/consume_args (rabbit_shovel_parameters:validate_queue_args at v3.10.8 to v4.1.8),
/// after as AMQP tables (rabbit_shovel_util:validate_amqp_table_args at v4.2.9 and v4.3.5), whose known arguments' values are
/// checked (<see cref="ShovelArgumentValues"/>). Values either release
/// crashes on are answered as a crash (<see cref="ParameterValidationCrashException"/>).
/// </summary>
internal static class ShovelArguments
{
    /// <summary>Every name rabbit_amqqueue:declare_args lists at v3.10.8 to v4.1.8; <see cref="KnownArgument"/> says from when.</summary>
    private static readonly HashSet<string> DeclareArgs = new(StringComparer.Ordinal)
    {
        "x-expires", "x-message-ttl", "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy",
        "x-max-length", "x-max-length-bytes", "x-max-in-memory-length", "x-max-in-memory-bytes", "x-max-priority",
        "x-overflow", "x-queue-mode", "x-queue-version", "x-single-active-consumer", "x-queue-type",
        "x-quorum-initial-group-size", "x-max-age", "x-stream-max-segment-size-bytes", "x-stream-filter-size-bytes",
        "x-initial-cluster-size", "x-queue-leader-locator",
    };

    /// <summary>Every name rabbit_amqqueue:consume_args lists at v3.10.8 to v4.1.8.</summary>
    private static readonly HashSet<string> ConsumeArgs = new(StringComparer.Ordinal) { "x-priority", "x-cancel-on-ha-failover", "x-stream-offset" };

    /// <summary>Adds the key's problem to <paramref name="fields"/>, or throws where the release crashes on the value.</summary>
    public static void Check(ShovelFields fields, string key, ArgumentPlace place, VersionProfile profile)
    {
        if (fields.Get(key) is not { } value)
        {
            return;
        }

        if (profile.ShovelArgumentsAsTables ? !IsAmqpTable(value) : !CheckProplist(fields, key, value, place, profile))
        {
            throw new ParameterValidationCrashException($"{key} {ErlangJson.Format(value)} crashes the shovel's validation in RabbitMQ {profile.ReportedVersion}");
        }

        if (profile.ShovelArgumentsAsTables)
        {
            fields.AddGroup(ShovelArgumentValues.Problems(key, value, place, profile));
        }
    }

    /// <summary>
    /// rabbit_data_coercion:to_proplist, then rabbit_parameter_validation:proplist: false for a value that is neither a
    /// map nor a list. A known key passes whatever its value; a list's elements are never {Key, Value} tuples.
    /// </summary>
    private static bool CheckProplist(ShovelFields fields, string key, JsonElement value, ArgumentPlace place, VersionProfile profile)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var unknown = value.EnumerateObject().Where(p => !IsKnown(p.Name, place, profile)).ToList();
                if (unknown.Count > 0)
                {
                    fields.Add(ShovelFields.UnrecognisedTerms(unknown, key));
                }

                return true;
            case JsonValueKind.Array:
                if (value.GetArrayLength() > 0)
                {
                    fields.Add(ShovelFields.UnrecognisedTerms(value, key));
                }

                return true;
            default:
                return false;
        }
    }

    private static bool IsKnown(string name, ArgumentPlace place, VersionProfile profile) =>
        (place == ArgumentPlace.Consume ? ConsumeArgs : DeclareArgs).Contains(name)
        && KnownArgument.All.Any(a => a.Name == name && a.Place == place && a.IsKnownIn(profile.Release));

    /// <summary>rabbit_data_coercion:to_map, then rabbit_misc:to_amqp_table, which throws on a null at any depth.</summary>
    private static bool IsAmqpTable(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => !HasNull(value),
        JsonValueKind.Array => value.GetArrayLength() == 0,
        _ => false,
    };

    private static bool HasNull(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => true,
        JsonValueKind.Object => value.EnumerateObject().Any(p => HasNull(p.Value)),
        JsonValueKind.Array => value.EnumerateArray().Any(HasNull),
        _ => false,
    };
}
