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

    /// <summary>RabbitMQ's answer for a path or object that does not exist.</summary>
    public static ApiException NotFound() => new(StatusCodes.Status404NotFound, "Object Not Found", "Not Found");

    public static ApiException NotFound(string reason) => new(StatusCodes.Status404NotFound, "not_found", reason);

    public static ApiException BadRequest(string reason) => new(StatusCodes.Status400BadRequest, "bad_request", reason);

    /// <summary>RabbitMQ 3.10 answers 401 both for bad credentials and for a user lacking a tag or permission.</summary>
    public static ApiException NotAuthorised(string reason) => new(StatusCodes.Status401Unauthorized, "not_authorised", reason);
}
