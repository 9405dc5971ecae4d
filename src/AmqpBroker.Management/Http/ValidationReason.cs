using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;

namespace AmqpBroker.Management.Http;

/// <summary>
/// RabbitMQ's reason for a policy or runtime parameter its validation refuses: <c>"Validation failed\n\n" + why + "\n"</c>.
/// <c>PUT /api/parameters/…</c> and <c>PUT /api/policies/…</c> of RabbitMQ 3.10–4.1 HTML-escape it
/// (rabbit_mgmt_format:escape_html_tags in rabbit_mgmt_wm_parameter and rabbit_mgmt_wm_policy; operator policies and
/// global parameters never did), until 4.2.0 (commit 5f5bf81e40, #14277):
/// <see cref="Core.Profiles.VersionProfile.ValidationReasonsHtmlEscaped"/>.
/// </summary>
internal static class ValidationReason
{
    /// <summary>The reason for a refusal with RabbitMQ's message <paramref name="why"/>.</summary>
    public static string Of(string why) => $"Validation failed\n\n{why}\n";

    /// <summary>Runs <paramref name="put"/>; a refused policy or parameter is answered with the reason escaped where the release escapes it.</summary>
    public static void EscapedWhereRabbitMqEscapes(ApiRequest request, Action put)
    {
        try
        {
            put();
        }
        catch (Exception ex) when (ex is PolicyValidationException or ParameterValidationException && request.Broker.Settings.Profile.ValidationReasonsHtmlEscaped)
        {
            throw ApiException.BadRequest(EscapeHtml(Of(ex.Message)));
        }
    }

    /// <summary><c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> as HTML entities; nothing else (quotes stay, unlike WebUtility.HtmlEncode).</summary>
    public static string EscapeHtml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
