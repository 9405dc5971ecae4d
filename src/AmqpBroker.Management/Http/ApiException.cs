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
    /// Whether RabbitMQ refuses this while authorising the request (is_authorized), before content negotiation; a 401 is
    /// always taken as one. See <see cref="ResponseHeaders"/>.
    /// </summary>
    public bool Refused { get; init; }

    /// <summary>RabbitMQ's answer for a path or object that does not exist.</summary>
    public static ApiException NotFound() => new(StatusCodes.Status404NotFound, "Object Not Found", "Not Found");

    public static ApiException NotFound(string reason) => new(StatusCodes.Status404NotFound, "not_found", reason);

    public static ApiException BadRequest(string reason) => new(StatusCodes.Status400BadRequest, "bad_request", reason);

    /// <summary>RabbitMQ 3.10 answers 401 both for bad credentials and for a user lacking a tag or permission.</summary>
    public static ApiException NotAuthorised(string reason) => new(StatusCodes.Status401Unauthorized, "not_authorised", reason);

    /// <summary>
    /// RabbitMQ 4.2.9's answer for a vhost the user may not use (rabbit_web_dispatch_access_control:user_matches_vhost),
    /// given while authorising.
    /// </summary>
    public static ApiException VirtualHostHidden() => new(StatusCodes.Status404NotFound, "not_found", "Not Found") { Refused = true };
}
