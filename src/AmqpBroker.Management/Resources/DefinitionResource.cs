using AmqpBroker.Management.Definitions;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/definitions: export and import everything, or one vhost's objects, in RabbitMQ's format (administrators); an
/// export is tagged for conditional requests where the profile has them (<see cref="DefinitionsETag"/>).
/// </summary>
internal static class DefinitionResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/definitions", Access.Administrator, request =>
        {
            if (DefinitionsETag.NotModified(request, virtualHost: null))
            {
                return Task.CompletedTask;
            }

            OfferDownload(request);
            return request.JsonAsync(DefinitionsExport.All(request.Context));
        });
        routes.Post("/api/definitions", Access.Administrator, async request =>
        {
            var document = await ReadDocumentAsync(request).ConfigureAwait(false);
            new DefinitionsImport(request.Broker, request.User).ImportAll(document);
            request.NoContent();
        });
        routes.Get("/api/definitions/{vhost}", Access.Administrator, request =>
        {
            var virtualHost = request.VirtualHost();
            if (DefinitionsETag.NotModified(request, virtualHost.Name))
            {
                return Task.CompletedTask;
            }

            OfferDownload(request);
            return request.JsonAsync(DefinitionsExport.Of(virtualHost, request.Context));
        });
        routes.Post("/api/definitions/{vhost}", Access.Administrator, async request =>
        {
            var virtualHost = request.VirtualHost();
            var document = await ReadDocumentAsync(request).ConfigureAwait(false);
            new DefinitionsImport(request.Broker, request.User).ImportInto(virtualHost, document);
            request.NoContent();
        });
    }

    /// <summary>The JSON body, or the form field "file" of a browser upload (multipart/form-data), as RabbitMQ accepts both.</summary>
    private static async Task<JsonBody> ReadDocumentAsync(ApiRequest request)
    {
        var http = request.Http.Request;
        if (!http.HasFormContentType)
        {
            return await request.ReadBodyAsync().ConfigureAwait(false);
        }

        RequestBodyLimit.Apply(http);
        var form = await http.ReadFormAsync(http.HttpContext.RequestAborted).ConfigureAwait(false);
        if (form.Files.GetFile("file") is { } file)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return JsonBody.Parse(buffer.ToArray());
        }

        return form.TryGetValue("file", out var text) && text.Count > 0
            ? JsonBody.Parse(System.Text.Encoding.UTF8.GetBytes(text[0] ?? ""))
            : throw JsonBody.Missing("file");
    }

    /// <summary><c>?download=name</c> asks for the export as a file, as RabbitMQ's UI does.</summary>
    private static void OfferDownload(ApiRequest request)
    {
        if (request.Query("download") is { Length: > 0 } fileName)
        {
            request.Http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName.Replace("\"", "", StringComparison.Ordinal)}\"";
        }
    }
}
