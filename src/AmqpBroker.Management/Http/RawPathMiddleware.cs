using Microsoft.AspNetCore.Http.Features;

namespace AmqpBroker.Management.Http;

/// <summary>
/// Routes on the request path exactly as the client encoded it. Kestrel decodes every escape except %2F,
/// which makes <c>%252F</c> and <c>%2F</c> indistinguishable afterwards; RabbitMQ's paths need both (the
/// vhost "/" is <c>%2F</c>, a binding's properties key may contain a literal <c>%2F</c>). Route values
/// therefore stay encoded and <see cref="ApiRequest.Route"/> decodes each one exactly once.
/// </summary>
internal sealed class RawPathMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (rawTarget is { Length: > 0 } && rawTarget[0] == '/')
        {
            var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
            context.Request.Path = new PathString(queryStart < 0 ? rawTarget : rawTarget[..queryStart]);
        }

        return next(context);
    }
}
