using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel;

/// <summary>
/// A shovel's <c>src-protocol</c> and <c>dest-protocol</c> as RabbitMQ reads them (rabbit_shovel_parameters:protocols),
/// before any other check: a value the release cannot read crashes its validation
/// (<see cref="VersionProfile.ShovelUnknownProtocolIsAmqp091"/>), and an end this broker does not implement is refused.
/// </summary>
internal static class ShovelProtocols
{
    public static readonly string[] Keys = ["src-protocol", "dest-protocol"];

    /// <summary>shovel_validation's enum before 4.2.9: amqp10 and amqp091.</summary>
    private static readonly string[] Fixed = ["amqp10", "amqp091"];

    /// <summary>
    /// From 4.2.9 and 4.3.3, the registered protocols (list_all_protocols: an ets:match over rabbit_registry's set
    /// table), in the order OTP 25's ETS gives them; not checked on the OTP a 4.x release runs on.
    /// </summary>
    private static readonly string[] Registered = ["local", "amqp10", "amqp091"];

    /// <summary>The values the enum check accepts in <paramref name="profile"/>'s release.</summary>
    public static string[] Allowed(VersionProfile profile) => profile.ShovelUnknownProtocolIsAmqp091 ? Registered : Fixed;

    /// <summary>Throws <see cref="ParameterValidationCrashException"/> where the release crashes on a protocol value, and
    /// <see cref="ParameterValidationException"/> for a protocol this broker does not implement (only amqp091).</summary>
    public static void Check(ShovelFields fields, VersionProfile profile)
    {
        foreach (var key in Keys)
        {
            if (fields.Get(key) is not { } value)
            {
                continue;
            }

            if (Crashes(value, profile))
            {
                throw new ParameterValidationCrashException($"{key} {ErlangJson.Format(value)} crashes the shovel's validation in RabbitMQ {profile.ReportedVersion}");
            }

            if (value.ValueKind == JsonValueKind.String && value.GetString() is var name && name != "amqp091" && Allowed(profile).Contains(name))
            {
                throw new ParameterValidationException($"{key} {name} is not supported by this broker: only amqp091");
            }
        }
    }

    /// <summary>
    /// Before 4.2.9: anything but the strings amqp10 and amqp091 (rabbit_data_coercion:to_atom, then a case without a
    /// clause for it). From 4.2.9: an atom, which registered_protocol_to_atom keeps and rabbit_registry does not know;
    /// any other value is read as amqp091.
    /// </summary>
    private static bool Crashes(JsonElement value, VersionProfile profile) => profile.ShovelUnknownProtocolIsAmqp091
        ? value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null
        : value.ValueKind != JsonValueKind.String || !Fixed.Contains(value.GetString());
}
