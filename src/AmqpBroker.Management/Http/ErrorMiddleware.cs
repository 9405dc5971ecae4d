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
/// a 400 with the broker's reason, anything else as a logged 500 without a body (normal bad input never gets there;
/// tests hold us to that). A method the path does not serve is answered by <see cref="AllowedMethods"/>.
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
                // Routing answers a path served for other methods (OPTIONS among them) with a bare 405 and its Allow.
                AllowedMethods.Answer(context, context.Response.Headers.Allow);
            }
        }
        catch (Exception ex) when (ex is UnansweredException or ParameterValidationCrashException)
        {
            // Where the release's handler (or a parameter's validation) crashes on the request: cowboy's 500, expected, so not logged.
            WriteUnexpected(context);
        }
        catch (Exception ex) when (Answer(ex) is { } answer)
        {
            await WriteAsync(context, answer).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, context.Request.Method, context.Request.Path, ex);
            WriteUnexpected(context);
        }
    }

    /// <summary>
    /// An unexpected failure is a 500 with no body, which shows nothing of the failure: what cowboy answers for a handler
    /// that crashes, in every release (RabbitMQ 3.10.8 checked with curl: an unknown <c>ackmode</c>, an unknown shovel
    /// <c>src-protocol</c>), with none of the listener's headers (<see cref="ResponseHeaders.Bare"/>). RabbitMQ 4.2.8
    /// (release-notes/4.2.8.md, #16544) emptied the one 500 that still carried details, web dispatch's "Registry Error".
    /// </summary>
    private static void WriteUnexpected(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        ResponseHeaders.Bare(context, StatusCodes.Status500InternalServerError);
    }

    /// <summary>The answer to a failure the API expects, or null for anything else.</summary>
    private static ErrorAnswer? Answer(Exception error) => error switch
    {
        ApiException api => new(api.Status, api.ErrorIsCharList ? CharList(api.Error) : api.Error, api.ReasonTerm ?? api.Reason, api.Refused || api.Status == StatusCodes.Status401Unauthorized, api.Challenges),
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

    private static Task WriteAsync(HttpContext context, ErrorAnswer answer)
    {
        if (context.Response.HasStarted)
        {
            // Too late for a status: the client sees a truncated body, which is all that can be done.
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.Clear();
        context.Response.StatusCode = answer.Status;
        if (answer.Challenges)
        {
            context.Response.Headers.WWWAuthenticate = AuthenticationMiddleware.Challenge;
        }

        ResponseHeaders.VaryAfterFailure(context, refused: answer.Refused);
        return JsonResponse.WriteErrorAsync(context.Response, answer.Error, answer.Reason);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Management API {Method} {Path} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);

    /// <param name="Status">The HTTP status.</param>
    /// <param name="Error">The body's <c>error</c>.</param>
    /// <param name="Reason">The body's <c>reason</c>: mostly a string, an Erlang term where RabbitMQ encodes one (<see cref="ApiException.ReasonTerm"/>).</param>
    /// <param name="Refused">Whether RabbitMQ refuses it while authorising the request, before content negotiation (see <see cref="ResponseHeaders"/>).</param>
    /// <param name="Challenges">Whether it carries the <c>www-authenticate</c> challenge (a failed login, before 3.13).</param>
    private sealed record ErrorAnswer(int Status, JsonNode Error, JsonNode Reason, bool Refused = false, bool Challenges = false);

    /// <summary>An Erlang string as RabbitMQ's JSON encoder writes it: a list of character codes (<see cref="ApiException.ErrorIsCharList"/>).</summary>
    internal static JsonArray CharList(string text) => new([.. text.Select(c => JsonValue.Create((int)c))]);
}
