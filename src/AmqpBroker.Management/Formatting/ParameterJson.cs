using System.Text.Json;
using AmqpBroker.Core.Parameters;

namespace AmqpBroker.Management.Formatting;

/// <summary>
/// A runtime parameter in RabbitMQ's JSON form (<c>value</c>, <c>vhost</c>, <c>component</c>, <c>name</c>), both ways, and
/// a global one as listed and exported (<c>name</c>, <c>value</c>). The
/// value's keys come out sorted, at every depth, as RabbitMQ keeps a value as an Erlang map or sorted proplist (a shovel
/// PUT with <c>src-uri</c> first is shown from <c>dest-queue</c> on by RabbitMQ 3.10.8, in /api/parameters and the export).
/// </summary>
internal static class ParameterJson
{
    public static JsonObject Create(RuntimeParameter parameter) => new()
    {
        ["value"] = Value(parameter.Value),
        ["vhost"] = parameter.VirtualHost,
        ["component"] = parameter.Component,
        ["name"] = parameter.Name,
    };

    /// <summary>A global parameter as /api/global-parameters lists it and definitions carry it.</summary>
    public static JsonObject Global(string name, JsonElement value) => new() { ["name"] = name, ["value"] = Value(value) };

    /// <summary>A parameter's value with its keys sorted at every depth.</summary>
    public static JsonNode? Value(JsonElement value) => Sorted(JsonNode.Parse(value.GetRawText()));

    /// <summary>Reads a PUT body or a definitions entry; only <c>value</c> is required, the rest comes from the path.</summary>
    public static RuntimeParameter Read(string component, string virtualHost, string name, JsonBody body)
    {
        var value = body.Root["value"] ?? throw JsonBody.Missing("value");
        return new RuntimeParameter(component, virtualHost, name, JsonSerializer.SerializeToElement(value));
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject value => new JsonObject(value.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value?.DeepClone())))),
        JsonArray items => new JsonArray([.. items.Select(item => Sorted(item?.DeepClone()))]),
        _ => node,
    };
}
