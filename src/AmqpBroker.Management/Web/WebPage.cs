using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace AmqpBroker.Management.Web;

/// <summary>
/// The management web page at <c>/</c>: static files embedded from <c>wwwroot</c>, served by ASP.NET Core's
/// static file middleware. The page is a client of the same <c>/api</c> as any tool; it needs no login to
/// load (its data does), loads nothing from another origin and runs no inline script, which its
/// Content-Security-Policy holds it to.
/// </summary>
internal static class WebPage
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void Use(WebApplication app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(WebPage).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                // Revalidated on every load (ETag): a new broker version is never hidden behind a cached page.
                headers.CacheControl = "no-cache";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
            },
        });
    }
}
