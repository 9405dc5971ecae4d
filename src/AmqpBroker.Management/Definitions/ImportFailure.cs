using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// The 400 of a definitions import that stops at something other than a validation (<see cref="ImportReason"/>), in
/// the release's words. RabbitMQ 3.10's full import answers the failure's Erlang term itself, which its JSON encoder
/// writes as an array (<c>["no_such_vhost","v"]</c>, <c>["amqp_error","precondition_failed",[105,…],"none"]</c>); its
/// per-vhost import, and both from 3.13.0 (commit 5f0981c5a3), format it with rabbit_definitions:format/1:
/// <c>precondition_failed: …</c> for a protocol error, <c>Please create virtual host "v" prior to importing
/// definitions.</c> for a missing vhost, <c>~tp</c> of the term otherwise (rabbit_definitions at v3.10.8, checked live,
/// and at v3.13.7, v4.0.5, v4.1.8, v4.2.8, v4.3.5).
/// </summary>
internal sealed class ImportFailure(VersionProfile profile, bool perVirtualHost)
{
    /// <summary>Whether the failure is formatted as a text rather than answered as its term.</summary>
    private bool Formatted => perVirtualHost || profile.DefinitionImportReason != DefinitionImportReason.Escaped;

    /// <summary>An object names a vhost that does not exist: <c>{no_such_vhost, V}</c>.</summary>
    public ApiException NoSuchVirtualHost(string name) => Formatted
        ? ApiException.BadRequest($"Please create virtual host \"{name}\" prior to importing definitions.")
        : Term($"no_such_vhost: {name}", new JsonArray("no_such_vhost", name));

    /// <summary>A permission names a user that does not exist: <c>{no_such_user, U}</c>.</summary>
    public ApiException NoSuchUser(string name) => Formatted
        ? ApiException.BadRequest($"{{no_such_user,{ErlangText.Binary(name)}}}")
        : Term($"no_such_user: {name}", new JsonArray("no_such_user", name));

    /// <summary>The broker refused a queue, exchange or binding as it refuses a client: RabbitMQ's <c>#amqp_error{}</c>.</summary>
    public ApiException Refused(AmqpException error)
    {
        var name = ReplyCodes.Name(error.Code).ToLowerInvariant();
        return Formatted
            ? ApiException.BadRequest($"{name}: {error.Message}")
            : Term($"{name}: {error.Message}", new JsonArray("amqp_error", name, Http.ErrorMiddleware.CharList(error.Message), "none"));
    }

    /// <summary>
    /// A binding whose ends are missing, source first (<see cref="VersionProfile.DefinitionImportChecksBindings"/>):
    /// <c>{resources_missing,[{not_found,{resource,&lt;&lt;"V"&gt;&gt;,exchange,&lt;&lt;"X"&gt;&gt;}}]}</c> as <c>~tp</c> prints it;
    /// two ends past column 78 go one a line (<see cref="ErlangList"/>). Unlike <c>~tp</c>, one end too long for a line is
    /// not broken inside.
    /// </summary>
    public static ApiException ResourcesMissing(string virtualHost, IEnumerable<(string Kind, string Name)> missing)
    {
        const string Head = "{resources_missing,";
        var ends = missing.Select(m => $"{{not_found,{{resource,{ErlangText.Binary(virtualHost)},{m.Kind},{ErlangText.Binary(m.Name)}}}}}").ToList();
        return ApiException.BadRequest($"{Head}{ErlangList.Print(ends, Head.Length)}}}");
    }

    private static ApiException Term(string text, JsonNode term) => new(StatusCodes.Status400BadRequest, "bad_request", text) { ReasonTerm = term };
}
