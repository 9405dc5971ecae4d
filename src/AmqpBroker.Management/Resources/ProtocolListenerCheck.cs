using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// GET /api/health/checks/protocol-listener/…: whether this node has a listener for a protocol, named as RabbitMQ
/// names them (<c>amqp</c>, <c>amqp/ssl</c>, <c>http</c>, <c>https</c>, <c>http/prometheus</c>; aliases such as
/// <c>amqp091</c> or <c>management</c> taken case-insensitively). One protocol until 4.1.0, answering its normalised
/// name (<c>{"status":"ok","protocol":"amqp"}</c> for <c>amqp091</c>; RabbitMQ 3.10.8 checked with curl); from 4.1.1 a
/// comma-separated list, answering the node's protocols, and the missing ones as a list
/// (rabbit_mgmt_wm_health_check_protocol_listener at v3.10.8, v4.1.0 and v4.1.1; release-notes/4.1.1.md, #13874).
/// </summary>
internal static class ProtocolListenerCheck
{
    private const string NoListener = "No active listener";

    /// <summary>normalize_protocol/1's aliases (v3.10.8 to v4.3.5), by the name each stands for.</summary>
    private static readonly Dictionary<string, string> Aliases = new[]
    {
        ("amqp", "amqp091 amqp0.9.1 amqp0-9-1 amqp0_9_1 amqp10 amqp1.0 amqp1-0 amqp1_0"),
        ("amqp/ssl", "amqps"),
        ("mqtt", "mqtt3.1 mqtt3.1.1 mqtt31 mqtt311 mqtt3_1 mqtt3_1_1"),
        ("mqtt/ssl", "mqtts mqtt+tls mqtt+ssl"),
        ("stomp", "stomp1.0 stomp1.1 stomp1.2 stomp10 stomp11 stomp12 stomp1_0 stomp1_1 stomp1_2"),
        ("stomp/ssl", "stomps stomp+tls stomp+ssl"),
        ("http", "http1 http1.1 http_api management management_ui ui"),
        ("clustering", "cli distribution"),
        ("http/web-mqtt", "webmqtt web-mqtt web_mqtt"),
        ("https/web-mqtt", "webmqtt/tls web-mqtt/tls webmqtt/ssl web-mqtt/ssl webmqtt+tls web-mqtt+tls webmqtt+ssl web-mqtt+ssl"),
        ("http/web-stomp", "webstomp web-stomp web_stomp"),
        ("https/web-stomp", "webstomp/tls web-stomp/tls webstomp/ssl web-stomp/ssl webstomp+tls web-stomp+tls webstomp+ssl web-stomp+ssl"),
    }.SelectMany(group => group.Item2.Split(' ').Select(alias => (alias, group.Item1))).ToDictionary(pair => pair.alias, pair => pair.Item2, StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder routes, ManagementNodeApi api)
    {
        if (api.HasFlag(ManagementNodeApi.ServingChecks))
        {
            routes.Get("/api/health/checks/protocol-listener/{protocols}", Access.Management, Several);
        }
        else
        {
            routes.Get("/api/health/checks/protocol-listener/{protocol}", Access.Management, One);
        }
    }

    private static Task One(ApiRequest request)
    {
        var protocol = Normalise(request.Route("protocol"));
        var active = Active(request);
        return active.Contains(protocol)
            ? HealthAnswer.OkAsync(request.Http.Response, new JsonObject { ["protocol"] = protocol })
            : HealthAnswer.FailedAsync(request.Http.Response, NoListener, new JsonObject { ["missing"] = protocol, ["protocols"] = Array(active) });
    }

    private static Task Several(ApiRequest request)
    {
        var active = Active(request);
        var missing = request.Route("protocols").Split(',').Select(Normalise).Distinct(StringComparer.Ordinal).Where(p => !active.Contains(p)).ToList();
        return missing.Count == 0
            ? HealthAnswer.OkAsync(request.Http.Response, new JsonObject { ["protocols"] = Array(active) })
            : HealthAnswer.FailedAsync(request.Http.Response, NoListener, new JsonObject { ["missing"] = Array(missing), ["protocols"] = Array(active) });
    }

    private static string Normalise(string protocol)
    {
        var lower = protocol.ToLowerInvariant();
        return Aliases.GetValueOrDefault(lower, lower);
    }

    private static List<string> Active(ApiRequest request) =>
        request.Context.Listeners.Select(l => l.Protocol).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static JsonArray Array(IEnumerable<string> names) => new([.. names.Select(name => JsonValue.Create(name))]);
}
