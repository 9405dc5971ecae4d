using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// The 400 reason of a definitions import that stops at a policy or runtime parameter (vhost limits included) that
/// validation refuses, as rabbit_definitions words it (<see cref="VersionProfile.DefinitionImportReason"/>): RabbitMQ's
/// validation reason (<c>Validation failed\n\n…\n</c>) followed by where it failed. Checked against RabbitMQ 3.10.8:
/// <c>Validation failed\n\n&amp;lt;&amp;lt;\"ten\"&amp;gt;&amp;gt; is not a valid maximum length\n (//p)</c> from
/// <c>POST /api/definitions</c>, the same as <c>&lt;&lt;"…"&gt;&gt;</c> from <c>POST /api/definitions/%2F</c>.
/// </summary>
internal static class ImportReason
{
    /// <summary>Runs the import of one policy (<paramref name="component"/> null) or parameter; a refusal names it.</summary>
    public static void Named(VersionProfile profile, bool perVirtualHost, string virtualHost, string? component, string name, Action import)
    {
        try
        {
            import();
        }
        catch (Exception ex) when (ex is PolicyValidationException or ParameterValidationException or LimitValidationException)
        {
            var reason = ex is LimitValidationException ? ex.Message : ValidationReason.Of(ex.Message);
            throw ApiException.BadRequest(Format(profile.DefinitionImportReason, perVirtualHost, reason, virtualHost, component, name));
        }
    }

    /// <summary>The reason with its context in the release's words.</summary>
    public static string Format(DefinitionImportReason form, bool perVirtualHost, string reason, string virtualHost, string? component, string name)
    {
        if (form == DefinitionImportReason.Labelled)
        {
            // rabbit_definitions:add_policy and add_parameter at v4.2.0: no separator between vhost and key for a policy.
            return component is null
                ? $"{reason} (vhost: \"{virtualHost}\" key: \"{name}\")"
                : $"{reason} (vhost: \"{virtualHost}\" / component: \"{component}\" / key: \"{name}\")";
        }

        var escaped = ValidationReason.EscapeHtml(component is null ? $"{reason} ({virtualHost}/{name})" : $"{reason} ({virtualHost}/{component}/{name})");
        return form == DefinitionImportReason.EscapedAsErlangBinary || perVirtualHost ? ErlangText.Binary(escaped) : escaped; // rabbit_definitions:format/1 before 4.2: ~tp of a binary
    }
}
