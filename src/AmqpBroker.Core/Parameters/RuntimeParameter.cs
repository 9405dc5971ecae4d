using System.Text.Json;

namespace AmqpBroker.Core.Parameters;

/// <summary>
/// One runtime parameter, as RabbitMQ's <c>rabbit_runtime_parameters</c> keeps them: a JSON value that a
/// component (a plugin such as <c>shovel</c>) owns, named within a virtual host. The broker stores it with
/// the definitions and hands it to its component, which validates it and acts on it.
/// </summary>
/// <param name="Component">The component that owns it (<c>shovel</c>).</param>
/// <param name="VirtualHost">The virtual host it belongs to.</param>
/// <param name="Name">Its name, unique per component and vhost.</param>
/// <param name="Value">Its value, as given (an object for a shovel); detached from any document.</param>
public sealed record RuntimeParameter(string Component, string VirtualHost, string Name, JsonElement Value)
{
    /// <summary>A parameter whose value is read from JSON text (as stored).</summary>
    public static RuntimeParameter FromJson(string component, string virtualHost, string name, string json) =>
        new(component, virtualHost, name, PlainJson.Parse(json));

    /// <summary>The value as JSON text, for the store.</summary>
    public string ValueJson => Value.GetRawText();
}
