namespace AmqpBroker.Management.Http;

/// <summary>
/// An HTTP error with RabbitMQ's JSON body <c>{"error": …, "reason": …}</c>. Thrown by handlers and written
/// by <see cref="ErrorMiddleware"/>, so every failure path answers the same way.
/// </summary>
internal sealed class ApiException(int status, string error, string reason) : Exception(reason)
{
    public int Status { get; } = status;

    public string Error { get; } = error;

    public string Reason => Message;

    /// <summary>
    /// Whether RabbitMQ sends <see cref="Error"/> as an Erlang string, a list of character codes, as 3.10.8's
    /// rabbit_mgmt_util:internal_server_error does with the text it is given (checked with curl).
    /// </summary>
    public bool ErrorIsCharList { get; init; }

    /// <summary>
    /// The <c>reason</c> as RabbitMQ's JSON encoder writes an Erlang term it is given in place of a text (tuples and lists
    /// as arrays, atoms and binaries as strings, Erlang strings as lists of character codes), as 3.10.8's definitions
    /// import does with its failures (checked with curl); <see cref="Reason"/> stays the text for logs. Null: the text.
    /// </summary>
    public JsonNode? ReasonTerm { get; init; }

    /// <summary>
    /// Whether RabbitMQ refuses this while authorising the request (is_authorized), before content negotiation; a 401 is
    /// always taken as one. See <see cref="ResponseHeaders"/>.
    /// </summary>
    public bool Refused { get; init; }

    /// <summary>Whether the 401 carries the <c>www-authenticate</c> challenge, which RabbitMQ sends only for failed logins.</summary>
    public bool Challenges { get; init; }

    /// <summary>RabbitMQ's answer for a path or object that does not exist.</summary>
    public static ApiException NotFound() => new(StatusCodes.Status404NotFound, "Object Not Found", "Not Found");

    public static ApiException NotFound(string reason) => new(StatusCodes.Status404NotFound, "not_found", reason);

    public static ApiException BadRequest(string reason) => new(StatusCodes.Status400BadRequest, "bad_request", reason);

    /// <summary>
    /// Wrong credentials, as the release answers them (<see cref="AmqpBroker.Core.Profiles.VersionProfile.ApiLoginFailureIsNotAuthorized"/>):
    /// before 3.13, <c>"Login failed"</c> with the challenge.
    /// </summary>
    public static ApiException LoginFailed(bool notAuthorized) => notAuthorized
        ? new(StatusCodes.Status401Unauthorized, "not_authorized", "Not_Authorized")
        : new(StatusCodes.Status401Unauthorized, "not_authorized", "Login failed") { Challenges = true };

    /// <summary>A user lacking a tag or permission: 401 <c>not_authorised</c>, without a challenge (checked against RabbitMQ 3.10.8).</summary>
    public static ApiException NotAuthorised(string reason) => new(StatusCodes.Status401Unauthorized, "not_authorised", reason);

    /// <summary>
    /// RabbitMQ 4.2.9's answer for a vhost the user may not use (rabbit_web_dispatch_access_control:user_matches_vhost),
    /// given while authorising.
    /// </summary>
    public static ApiException VirtualHostHidden() => new(StatusCodes.Status404NotFound, "not_found", "Not Found") { Refused = true };
}
