using Microsoft.AspNetCore.Http.Features;

namespace AmqpBroker.Management.Http;

/// <summary>
/// The largest request body the API reads, as RabbitMQ's management plugin limits it since 3.11.24/3.12.7
/// (<c>management.http.max_body_size</c>, 20,000,000 bytes by default; 3.10 had no limit): a body declared larger is
/// refused before any of it is read, a chunked one as soon as it grows past the limit, both with RabbitMQ's 400
/// <c>Exceeded HTTP request body size limit</c>.
/// </summary>
internal static class RequestBodyLimit
{
    public const long MaxBytes = 20_000_000;

    public const string Reason = "Exceeded HTTP request body size limit";

    /// <summary>Refuses a declared length over the limit; caps what Kestrel will read of any other body.</summary>
    public static void Apply(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw ApiException.BadRequest(Reason);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBytes;
        }
    }
}
