using System.Globalization;
using AmqpBroker.Core.Shovels;

namespace AmqpBroker.Management.Formatting;

/// <summary>A dynamic shovel's status as RabbitMQ's shovel management plugin lists it in <c>/api/shovels</c>.</summary>
internal static class ShovelJson
{
    public static JsonObject Create(ShovelStatus status, string nodeName, TimeZoneInfo zone)
    {
        var json = new JsonObject
        {
            ["node"] = nodeName,
            ["timestamp"] = Timestamp(status.Timestamp, zone),
            ["name"] = status.Name,
            ["vhost"] = status.VirtualHost,
            ["type"] = "dynamic",
            ["state"] = status.State,
        };
        foreach (var (key, value) in status.Details)
        {
            json[key] = value;
        }

        return json;
    }

    /// <summary>
    /// Takes the credentials and query strings out of a shovel parameter's <c>src-uri</c> and <c>dest-uri</c>, a URI or a
    /// list of them (rabbit_shovel_parameters:redact_uris_in_definition at v4.3.5, #17134).
    /// </summary>
    public static void RedactUris(JsonObject value)
    {
        foreach (var key in (string[])["src-uri", "dest-uri"])
        {
            if (value[key] is JsonArray uris)
            {
                value[key] = new JsonArray([.. uris.Select(Redact)]);
            }
            else if (value[key] is JsonValue uri)
            {
                value[key] = Redact(uri);
            }
        }
    }

    private static JsonNode? Redact(JsonNode? uri) =>
        uri is JsonValue value && value.TryGetValue<string>(out var text) ? ShovelUris.WithoutCredentials(text) : uri?.DeepClone();

    /// <summary>RabbitMQ's form: local time, <c>2026-12-06 9:05:07</c> (the hour is not zero-padded).</summary>
    private static string Timestamp(DateTimeOffset timestamp, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(timestamp, zone);
        return local.ToString("yyyy-MM-dd H:mm:ss", CultureInfo.InvariantCulture);
    }
}
