using System.Globalization;
using System.Text;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Messaging;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// RabbitMQ's health checks: 200 <c>{"status":"ok"}</c> when healthy, 503 with <c>"status":"failed"</c>
/// and a reason otherwise.
/// </summary>
internal static class HealthResource
{
    /// <summary>The queue RabbitMQ's aliveness test declares in the tested vhost (and leaves there).</summary>
    private const string AlivenessQueue = "aliveness-test";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/health/checks/alarms", Access.Management, request => Alarms(request, "There are alarms in effect in the cluster"));
        routes.Get("/api/health/checks/local-alarms", Access.Management, request => Alarms(request, "There are alarms in effect on the node"));
        routes.Get("/api/health/checks/port-listener/{port}", Access.Management, PortListener);
        // Virtual hosts here have no process of their own that could be down.
        routes.Get("/api/health/checks/virtual-hosts", Access.Management, request => Ok(request));
        routes.Get("/api/aliveness-test/{vhost}", Access.Management, Aliveness);
        routes.Get("/api/health/checks/certificate-expiration/{within}/{unit}", Access.Management, CertificateExpiration);
    }

    private static Task CertificateExpiration(ApiRequest request)
    {
        var expiring = CertificateExpirationCheck.Expiring(request);
        return expiring.Count == 0 ? Ok(request) : Failed(request, "Certificates expiring", new JsonObject { ["expired"] = expiring });
    }

    private static Task Alarms(ApiRequest request, string reason)
    {
        var raised = request.Broker.Alarm.Raised;
        if (raised.Count == 0)
        {
            return Ok(request);
        }

        return Failed(request, reason, new JsonObject
        {
            ["alarms"] = new JsonArray([.. raised.Select(r => new JsonObject { ["node"] = request.Context.NodeName, ["resource"] = r.HealthCheckName() })]),
        });
    }

    private static Task PortListener(ApiRequest request)
    {
        if (!int.TryParse(request.Route("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw ApiException.BadRequest("Invalid port");
        }

        var ports = request.Context.Listeners.Select(l => l.EndPoint.Port).Order().ToList();
        return ports.Contains(port)
            ? Ok(request, new JsonObject { ["port"] = port })
            : Failed(request, "No active listener", new JsonObject { ["missing"] = port, ["ports"] = new JsonArray([.. ports.Select(p => JsonValue.Create(p))]) });
    }

    /// <summary>Declares the aliveness queue, publishes a message to it and gets it back, as RabbitMQ's test does.</summary>
    private static Task Aliveness(ApiRequest request)
    {
        var virtualHost = request.VirtualHost();
        var connection = HttpConnection.For(request.User, virtualHost.Name);
        try
        {
            var queue = virtualHost.DeclareQueue(new QueueDefinition(AlivenessQueue, virtualHost.Name, false, false, false, FieldTable.Empty), connection, passive: false);
            return RoundTrip(virtualHost, queue) ? Ok(request) : Failed(request, "aliveness test message was not received", []);
        }
        catch (AmqpException ex)
        {
            return Failed(request, ex.ReplyText, []);
        }
    }

    private static bool RoundTrip(VirtualHost virtualHost, Queue queue)
    {
        var message = Core.Messages.Message.Create("", AlivenessQueue, new BasicProperties().Encode(), Encoding.UTF8.GetBytes("test_message"));
        Publisher.ForBroker(virtualHost).Publish(new PublishRequest(message));

        if (!queue.TryTake(out var entry, out _))
        {
            return false;
        }

        queue.Settle(entry);
        return true;
    }

    private static Task Ok(ApiRequest request, JsonObject? extra = null) => HealthAnswer.OkAsync(request.Http.Response, extra);

    private static Task Failed(ApiRequest request, string reason, JsonObject extra) => HealthAnswer.FailedAsync(request.Http.Response, reason, extra);
}
