using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/faults: the broker's test faults (<see cref="BrokerFaults"/>) over HTTP, for administrators, mapped only
/// when the host enables it. A body names the scope with <c>vhost</c>, <c>connection</c> (addresses or client-provided
/// name), <c>channel</c> and <c>queue</c>; faults on connections answer <c>{"affected": n}</c>.
/// </summary>
internal static class FaultResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Delete("/api/faults", Access.Administrator, request => Done(request, f => f.Clear()));
        routes.Post("/api/faults/connections/close", Access.Administrator, request => AffectedAsync(request, (f, body, scope) =>
            f.CloseConnections(scope, Code(body, ReplyCode.ConnectionForced), Text(body))));
        routes.Post("/api/faults/channels/close", Access.Administrator, request => AffectedAsync(request, (f, body, scope) =>
            f.CloseChannels(scope, Code(body, ReplyCode.PreconditionFailed), Text(body))));
        routes.Post("/api/faults/connections/drop", Access.Administrator, request => AffectedAsync(request, (f, _, scope) => f.DropConnections(scope)));
        routes.Post("/api/faults/connections/stall", Access.Administrator, request => AffectedAsync(request, (f, body, scope) =>
            f.StallConnections(scope, Duration(body), Direction(body))));
        routes.Post("/api/faults/deliveries/delay", Access.Administrator, request => AffectedAsync(request, (f, body, scope) =>
            f.DelayDeliveries(scope, Duration(body, allowZero: true))));
        routes.Post("/api/faults/publishes/nack", Access.Administrator, request => ArmAsync(request, (f, body, scope) =>
            f.NackPublishes(scope, Count(body))));
        routes.Post("/api/faults/declares/refuse", Access.Administrator, request => ArmAsync(request, (f, body, scope) =>
            f.RefuseDeclares(scope, Code(body, ReplyCode.ResourceError), body.String("text") ?? "declare refused by a test fault", Count(body))));
        routes.Post("/api/faults/consumers/cancel", Access.Administrator, request => AffectedAsync(request, (f, body, _) =>
            f.CancelConsumers(body.RequireString("queue"), body.String("vhost") ?? "/")));
        routes.Put("/api/faults/alarms/{resource}", Access.Administrator, request => Done(request, f => f.RaiseAlarm(Alarm(request))));
        routes.Delete("/api/faults/alarms/{resource}", Access.Administrator, request => Done(request, f => f.ClearAlarm(Alarm(request))));
    }

    private static async Task AffectedAsync(ApiRequest request, Func<BrokerFaults, JsonBody, FaultScope, int> fault)
    {
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var affected = Apply(() => fault(request.Broker.Faults, body, Scope(body)));
        await request.JsonAsync(new JsonObject { ["affected"] = affected }).ConfigureAwait(false);
    }

    private static async Task ArmAsync(ApiRequest request, Action<BrokerFaults, JsonBody, FaultScope> fault)
    {
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        Apply(() =>
        {
            fault(request.Broker.Faults, body, Scope(body));
            return 0;
        });
        request.NoContent();
    }

    private static Task Done(ApiRequest request, Action<BrokerFaults> fault)
    {
        fault(request.Broker.Faults);
        request.NoContent();
        return Task.CompletedTask;
    }

    /// <summary>The faults refuse what cannot be done (a channel error for connection.close, no such queue) with an ArgumentException: a 400.</summary>
    private static int Apply(Func<int> fault)
    {
        try
        {
            return fault();
        }
        catch (ArgumentException ex)
        {
            throw ApiException.BadRequest(ex.Message);
        }
    }

    private static FaultScope Scope(JsonBody body) => new(
        body.String("vhost"),
        body.String("connection"),
        body.Integer("channel") is { } channel ? channel is > 0 and <= ushort.MaxValue ? (ushort)channel : throw ApiException.BadRequest("'channel' must be a channel number") : null,
        body.String("queue"));

    private static ReplyCode Code(JsonBody body, ReplyCode fallback) =>
        body.Integer("code") is { } code
            ? Enum.IsDefined((ReplyCode)code) ? (ReplyCode)code : throw ApiException.BadRequest($"'{code}' is not an AMQP reply code")
            : fallback;

    private static string Text(JsonBody body) => body.String("text") ?? BrokerFaults.DefaultCloseText;

    private static int Count(JsonBody body) => (int)(body.Integer("count") ?? 1);

    private static TimeSpan Duration(JsonBody body, bool allowZero = false) =>
        body.Integer("milliseconds") is { } ms && (ms > 0 || (allowZero && ms == 0))
            ? TimeSpan.FromMilliseconds(ms)
            : throw ApiException.BadRequest("'milliseconds' must be a positive integer");

    private static StallDirection Direction(JsonBody body) => body.String("direction") switch
    {
        null or "both" => StallDirection.Both,
        "reading" => StallDirection.Reading,
        "writing" => StallDirection.Writing,
        var other => throw ApiException.BadRequest($"'direction' must be both, reading or writing, got '{other}'"),
    };

    private static AlarmResource Alarm(ApiRequest request) => request.Route("resource") switch
    {
        "memory" => AlarmResource.Memory,
        "disk" => AlarmResource.Disk,
        var other => throw ApiException.NotFound($"no alarm '{other}' (memory or disk)"),
    };
}
