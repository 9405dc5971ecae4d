using AmqpBroker.Management.Definitions;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/definitions: export and import everything, or one vhost's objects, in RabbitMQ's format (administrators); an
/// export is tagged for conditional requests where the profile has them (<see cref="DefinitionsETag"/>). The one vhost
/// is named by the path or, on /api/definitions itself, by the <c>x-vhost</c> header (rabbit_mgmt_wm_definitions
/// reads rabbit_mgmt_util:vhost/1 in every release). A vhost that does not exist is <c>vhost_not_found</c>: 400 on export,
/// 404 on import (to_json/2 and accept/2 at v3.10.8, checked live, to v4.3.5), and for the header before 3.13
/// (unchecked then) a crash on export and an import that stops at the first thing it would create there.
/// </summary>
internal static class DefinitionResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/definitions", Access.Administrator, request =>
            request.HeaderVirtualHost(VirtualHostNotFoundOnExport()) is { } named ? ExportAsync(request, named) : ExportAllAsync(request));
        routes.Post("/api/definitions", Access.Administrator, async request =>
        {
            if (!request.DeclaresContentType(DocumentTypes))
            {
                return;
            }

            var named = request.HeaderVirtualHostName();
            var document = await ReadDocumentAsync(request).ConfigureAwait(false);
            var import = new DefinitionsImport(request.Broker, request.User);
            if (named is null)
            {
                import.ImportAll(document);
            }
            else if (request.Broker.FindVirtualHost(named) is { } virtualHost)
            {
                import.ImportInto(virtualHost, document);
            }
            else if (request.Broker.Settings.Profile.VirtualHostHeaderMustExist)
            {
                throw ApiException.NotFound("vhost_not_found");
            }
            else
            {
                import.ImportIntoMissing(named, document);
            }

            request.NoContent();
        });
        routes.Get("/api/definitions/{vhost}", Access.Administrator, request =>
            ExportAsync(request, request.Broker.FindVirtualHost(request.Route("vhost")) ?? throw VirtualHostNotFoundOnExport()));
        routes.Post("/api/definitions/{vhost}", Access.Administrator, async request =>
        {
            if (!request.DeclaresContentType(DocumentTypes))
            {
                return;
            }

            var document = await ReadDocumentAsync(request).ConfigureAwait(false);
            var virtualHost = request.VirtualHost(creating: true);
            new DefinitionsImport(request.Broker, request.User).ImportInto(virtualHost, document);
            request.NoContent();
        });
    }

    /// <summary>What an import may be declared as: JSON, or a browser's upload (rabbit_mgmt_wm_definitions:content_types_accepted/2).</summary>
    private static readonly string[] DocumentTypes = ["application/json", "multipart/form-data"];

    private static ApiException VirtualHostNotFoundOnExport() => ApiException.BadRequest("vhost_not_found");

    private static Task ExportAllAsync(ApiRequest request)
    {
        if (DefinitionsETag.NotModified(request, virtualHost: null))
        {
            return Task.CompletedTask;
        }

        return OfferDownload(request) ? request.JsonAsync(DefinitionsExport.All(request.Context)) : Task.CompletedTask;
    }

    private static Task ExportAsync(ApiRequest request, Core.VirtualHosts.VirtualHost virtualHost)
    {
        if (DefinitionsETag.NotModified(request, virtualHost.Name))
        {
            return Task.CompletedTask;
        }

        return OfferDownload(request) ? request.JsonAsync(DefinitionsExport.Of(virtualHost, request.Context)) : Task.CompletedTask;
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

    /// <summary>
    /// <c>?download=name</c> asks for the export as a file, as RabbitMQ's UI does: <c>attachment; filename=name</c>, the
    /// name unquoted as RabbitMQ sends it (3.10.8 checked live; rabbit_mgmt_wm_definitions at v4.1.8 and v4.3.5). From
    /// 4.2.8 a name that is not an HTTP token is refused with a bare 400
    /// (<see cref="Core.Profiles.VersionProfile.DefinitionsDownloadNameIsToken"/>); before, it is echoed as it is, here
    /// without the characters a header value cannot carry (controls, non-ASCII), which RabbitMQ sends as raw bytes.
    /// </summary>
    /// <returns>False when the request was refused.</returns>
    private static bool OfferDownload(ApiRequest request)
    {
        if (request.Query("download") is not { } fileName)
        {
            return true;
        }

        if (request.Broker.Settings.Profile.DefinitionsDownloadNameIsToken && !IsToken(fileName))
        {
            // cowboy_req:match_qs fails its constraint: Cowboy answers 400 with no body and none of the handler's headers.
            ResponseHeaders.Bare(request.Http, StatusCodes.Status400BadRequest);
            return false;
        }

        request.Http.Response.Headers.ContentDisposition = $"attachment; filename={new string([.. fileName.Where(c => c is '\t' or (>= ' ' and <= '~'))])}";
        return true;
    }

    /// <summary>RFC 9110's token: one or more tchar (cow_http:ensure_token).</summary>
    private static bool IsToken(string text) => text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c));
}
