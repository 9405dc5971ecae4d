using Microsoft.AspNetCore.Http.Features;

namespace AmqpBroker.Management.Http;

/// <summary>
/// Routes on the request path exactly as the client encoded it. Kestrel decodes every escape except %2F,
/// which makes <c>%252F</c> and <c>%2F</c> indistinguishable afterwards; RabbitMQ's paths need both (the
/// vhost "/" is <c>%2F</c>, a binding's properties key may contain a literal <c>%2F</c>). Route values
/// therefore stay encoded and <see cref="ApiRequest.Route"/> decodes each one exactly once. The raw path is
/// first read as RabbitMQ's web server reads it (<see cref="RequestPath"/>): a malformed escape is cowboy_router's
/// bare 400 (<see cref="ResponseHeaders.Bare"/>), and <c>.</c> and <c>..</c> segments are resolved.
/// </summary>
internal sealed class RawPathMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (rawTarget is { Length: > 0 } && rawTarget[0] == '/')
        {
            var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
            if (RequestPath.Normalize(queryStart < 0 ? rawTarget : rawTarget[..queryStart]) is not { } path)
            {
                ResponseHeaders.Bare(context, StatusCodes.Status400BadRequest);
                return Task.CompletedTask;
            }

            context.Request.Path = new PathString(path);
        }

        return next(context);
    }
}
