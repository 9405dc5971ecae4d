using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel;

/// <summary>
/// The keys that mark a shovel as internal (<see cref="VersionProfile.ShovelInternalKeys"/>, from 4.2.0): <c>internal</c>,
/// a boolean, and <c>internal_owner</c>, the resource that owns it, checked as rabbit_shovel_parameters:
/// validate_internal_owner checks it at v4.2.0 to v4.3.5: a proplist of <c>name</c> (binary), <c>kind</c> (exchange or
/// queue) and <c>virtual_host</c> (binary), none of them required.
/// </summary>
internal static class ShovelInternalKeys
{
    public const string Internal = "internal";

    public const string Owner = "internal_owner";

    private static readonly string[] Kinds = ["exchange", "queue"];

    /// <summary>Whether <paramref name="key"/> is one of these keys.</summary>
    public static bool Contains(string key) => key is Internal or Owner;

    /// <summary>Adds both keys' problems to <paramref name="fields"/> in RabbitMQ's order; throws where RabbitMQ crashes.</summary>
    public static void Check(ShovelFields fields, VersionProfile profile)
    {
        if (!profile.ShovelInternalKeys)
        {
            return;
        }

        fields.CheckBoolean(Internal);

        // rabbit_data_coercion:to_proplist has no clause for anything but a map or a list.
        fields.CheckNested(Owner, OwnerProblems, owner =>
            throw new ParameterValidationCrashException($"{Owner} {ErlangJson.Format(owner)} crashes the shovel's validation in RabbitMQ {profile.ReportedVersion}"));
    }

    /// <summary>proplist's results for the owner: the unknown keys, then each key's problem in the reverse of the check order.</summary>
    private static List<string> OwnerProblems(JsonElement owner)
    {
        var nested = new ShovelFields(owner);
        nested.CheckString("name");
        nested.CheckEnum("kind", Kinds);
        nested.CheckString("virtual_host");
        var unknown = owner.EnumerateObject().Where(p => p.Name is not ("name" or "kind" or "virtual_host")).ToList();
        List<string> problems = unknown.Count > 0 ? [ShovelFields.UnrecognisedTerms(unknown, Owner)] : [];
        problems.AddRange(nested.Reported);
        return problems;
    }
}
