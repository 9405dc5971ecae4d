using Microsoft.Extensions.Primitives;

namespace AmqpBroker.Management.Http;

/// <summary>
/// Answers a method a path does not serve as cowboy_rest answers it on RabbitMQ 3.10.8 (checked with curl): OPTIONS is
/// 200 and any other method 405, both with an empty body (content-length 0), no credentials asked for, and an
/// <c>allow</c> header listing the path's methods in RabbitMQ's order with OPTIONS last ("HEAD, GET, PUT, DELETE, OPTIONS"
/// on /api/queues/{vhost}/{name}, "HEAD, GET, POST, OPTIONS" on /api/definitions). A path no route serves, under /api or
/// not, is served by RabbitMQ's static file handler: GET and HEAD are 404, others as a path with "HEAD, GET, OPTIONS". A
/// method cowboy_rest does not know (its known_methods: <see cref="Known"/>; TRACE, FOO) is 501 with no body anywhere.
/// </summary>
internal static class AllowedMethods
{
    private static readonly string[] Order = [HttpMethods.Head, HttpMethods.Get, HttpMethods.Put, HttpMethods.Post, HttpMethods.Delete, HttpMethods.Options];

    private static readonly string[] StaticFiles = [HttpMethods.Head, HttpMethods.Get];

    /// <summary>cowboy_rest's default known_methods, which RabbitMQ's resources keep.</summary>
    public static readonly string[] Known =
        [HttpMethods.Head, HttpMethods.Get, HttpMethods.Put, HttpMethods.Post, HttpMethods.Delete, HttpMethods.Options, HttpMethods.Patch];

    /// <summary>The answer to an OPTIONS request, a disallowed or an unknown method on a path that serves <paramref name="allowed"/> (as an Allow header holds them).</summary>
    public static void Answer(HttpContext context, StringValues allowed)
    {
        context.Response.Clear();
        context.Response.ContentLength = 0;
        if (!Known.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status501NotImplemented;
            return;
        }

        context.Response.StatusCode = HttpMethods.IsOptions(context.Request.Method) ? StatusCodes.Status200OK : StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers.Allow = InRabbitOrder(allowed);
    }

    /// <summary>The answer for a path no route serves: 404 to GET and HEAD, as the static file handler's other paths otherwise.</summary>
    public static Task UnknownPathAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            throw ApiException.NotFound();
        }

        Answer(context, StaticFiles);
        return Task.CompletedTask;
    }

    private static string InRabbitOrder(StringValues allowed) => string.Join(", ", allowed
        .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        .Append(HttpMethods.Options)
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .OrderBy(method => Array.IndexOf(Order, method)));
}
