using AmqpBroker.Core.Policies;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Formatting;

/// <summary>A policy in RabbitMQ's JSON form (<c>apply-to</c>: all, queues or exchanges), both ways.</summary>
internal static class PolicyJson
{
    public static JsonObject Create(Policy policy) => new()
    {
        ["vhost"] = policy.VirtualHost,
        ["name"] = policy.Name,
        ["pattern"] = policy.Pattern,
        ["apply-to"] = ApplyToName(policy.ApplyTo),
        ["definition"] = FieldTableJson.ToJson(policy.Definition),
        ["priority"] = policy.Priority,
    };

    /// <summary>Reads a PUT body or a definitions entry; pattern and definition are required, as in RabbitMQ.</summary>
    public static Policy Read(string virtualHost, string name, JsonBody body)
    {
        var pattern = body.RequireString("pattern");
        var definition = body.Object("definition") ?? throw JsonBody.Missing("definition");
        var priority = body.Integer("priority") ?? 0;
        if (priority is < int.MinValue or > int.MaxValue)
        {
            throw ApiException.BadRequest($"priority {priority} is out of range");
        }

        var applyTo = body.String("apply-to") switch
        {
            null or "all" => PolicyApplyTo.All,
            "queues" => PolicyApplyTo.Queues,
            "exchanges" => PolicyApplyTo.Exchanges,
            var other => throw new PolicyValidationException($"apply-to '{other}' unrecognised; should be 'queues', 'exchanges' or 'all'"),
        };
        return new Policy(virtualHost, name, pattern, applyTo, (int)priority, FieldTableJson.FromJson(definition));
    }

    private static string ApplyToName(PolicyApplyTo applyTo) => applyTo switch
    {
        PolicyApplyTo.Queues => "queues",
        PolicyApplyTo.Exchanges => "exchanges",
        _ => "all",
    };
}
