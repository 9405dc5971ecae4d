using System.Text.Json;
using AmqpBroker.Core.Parameters;

namespace AmqpBroker.Management.Formatting;

/// <summary>A runtime parameter in RabbitMQ's JSON form (<c>value</c>, <c>vhost</c>, <c>component</c>, <c>name</c>), both ways.</summary>
internal static class ParameterJson
{
    public static JsonObject Create(RuntimeParameter parameter) => new()
    {
        ["value"] = JsonNode.Parse(parameter.ValueJson),
        ["vhost"] = parameter.VirtualHost,
        ["component"] = parameter.Component,
        ["name"] = parameter.Name,
    };

    /// <summary>Reads a PUT body or a definitions entry; only <c>value</c> is required, the rest comes from the path.</summary>
    public static RuntimeParameter Read(string component, string virtualHost, string name, JsonBody body)
    {
        var value = body.Root["value"] ?? throw JsonBody.Missing("value");
        return new RuntimeParameter(component, virtualHost, name, JsonSerializer.SerializeToElement(value));
    }
}
