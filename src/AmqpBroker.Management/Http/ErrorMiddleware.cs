using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Security;
using AmqpBroker.Protocol.Methods;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Management.Http;

/// <summary>
/// The one place where failures become HTTP answers: <see cref="ApiException"/> as itself, a broker
/// <see cref="AmqpException"/> as RabbitMQ's management plugin maps it, a refused policy, parameter or permission as
/// a 400 with the broker's reason, anything else as a JSON 500 that is logged (normal bad input never
/// gets there; tests hold us to that).
/// </summary>
internal sealed partial class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
            if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed && !context.Response.HasStarted)
            {
                // Routing answers a path served for other methods with a bare 405 (as RabbitMQ does); a reason costs nothing.
                var allow = RabbitOrder(context.Response.Headers.Allow);
                await WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "method_not_allowed", $"{context.Request.Method} is not allowed on this path", allow).ConfigureAwait(false);
            }
        }
        catch (UnansweredException) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentLength = 0;
        }
        catch (Exception ex) when (Answer(ex) is { } answer)
        {
            await WriteAsync(context, answer.Status, answer.Error, answer.Reason).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, context.Request.Method, context.Request.Path, ex);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, "internal_error", ex.Message).ConfigureAwait(false);
        }
    }

    /// <summary>The answer to a failure the API expects, or null for anything else.</summary>
    private static ErrorAnswer? Answer(Exception error) => error switch
    {
        ApiException api => new(api.Status, api.ErrorIsCharList ? new JsonArray([.. api.Error.Select(c => JsonValue.Create((int)c))]) : api.Error, api.Reason),
        AmqpException amqp => Map(amqp),

        // RabbitMQ's wording for a policy or parameter its validation refuses.
        PolicyValidationException or ParameterValidationException => new(StatusCodes.Status400BadRequest, "bad_request", ValidationReason.Of(error.Message)),
        PermissionValidationException or LimitValidationException => new(StatusCodes.Status400BadRequest, "bad_request", error.Message),

        // Kestrel's cap on a body without a declared length (RequestBodyLimit), answered as RabbitMQ answers it.
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new(StatusCodes.Status400BadRequest, "bad_request", RequestBodyLimit.Reason),
        BadHttpRequestException badRequest => new(badRequest.StatusCode, "bad_request", badRequest.Message),
        _ => null,
    };

    /// <summary>RabbitMQ's management plugin: missing things are 404, refused access 401, every other broker error 400.</summary>
    private static ErrorAnswer Map(AmqpException error) => error.Code switch
    {
        ReplyCode.NotFound => new(StatusCodes.Status404NotFound, "not_found", error.Message),
        ReplyCode.AccessRefused => new(StatusCodes.Status401Unauthorized, "not_authorised", error.Message),
        _ => new(StatusCodes.Status400BadRequest, "bad_request", error.Message),
    };

    /// <summary>
    /// Routing's Allow header in the order RabbitMQ 3.10.8 sends it ("HEAD, GET, PUT, DELETE, OPTIONS" on
    /// /api/queues/{vhost}/{name}, "HEAD, GET, POST, OPTIONS" on /api/definitions; checked with curl), less the
    /// OPTIONS we do not answer.
    /// </summary>
    private static string RabbitOrder(Microsoft.Extensions.Primitives.StringValues allow) => string.Join(", ", allow
        .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        .OrderBy(method => Array.IndexOf(MethodOrder, method)));

    private static readonly string[] MethodOrder = [HttpMethods.Head, HttpMethods.Get, HttpMethods.Put, HttpMethods.Post, HttpMethods.Delete];

    private static Task WriteAsync(HttpContext context, int status, JsonNode error, string reason, string allow = "")
    {
        if (context.Response.HasStarted)
        {
            // Too late for a status: the client sees a truncated body, which is all that can be done.
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        if (allow.Length > 0)
        {
            context.Response.Headers.Allow = allow;
        }

        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = AuthenticationMiddleware.Challenge;
        }

        return JsonResponse.WriteAsync(context.Response, new JsonObject { ["error"] = error, ["reason"] = reason });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Management API {Method} {Path} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);

    private sealed record ErrorAnswer(int Status, JsonNode Error, string Reason);
}
