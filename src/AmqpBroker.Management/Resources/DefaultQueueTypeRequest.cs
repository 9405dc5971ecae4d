using System.Text.Json;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// The default queue type a PUT /api/vhosts/{name} body asks for, read and refused as the release does
/// (<see cref="VersionProfile.VirtualHostQueueTypeCheck"/>): 3.10 reads only <c>defaultqueuetype</c> (and ignores
/// <c>default_queue_type</c>); 3.11.12+ reads <c>default_queue_type</c>, falling back to <c>defaultqueuetype</c>
/// (rabbit_mgmt_wm_vhost:accept_content).
/// </summary>
internal static class DefaultQueueTypeRequest
{
    /// <param name="body">The request's body.</param>
    /// <param name="profile">The release.</param>
    /// <param name="creating">Whether the vhost does not exist yet.</param>
    public static VirtualHostMetadata Read(JsonBody body, VersionProfile profile, bool creating) => profile.VirtualHostQueueTypeCheck switch
    {
        VirtualHostQueueTypeCheck.CreationFails => creating ? ReadAtCreation(body) : VirtualHostMetadata.None,
        VirtualHostQueueTypeCheck.HandlerCrashes => ReadUnvalidated(body, creating),
        _ => ReadValidated(body.Root.ContainsKey("default_queue_type") ? body.Root["default_queue_type"] : body.Root["defaultqueuetype"]),
    };

    /// <summary>3.10: rabbit_vhost:do_add runs rabbit_queue_type:discover, which knows the three names and nothing else.</summary>
    private static VirtualHostMetadata ReadAtCreation(JsonBody body)
    {
        if (!body.Root.ContainsKey("defaultqueuetype"))
        {
            return VirtualHostMetadata.None;
        }

        return body.Root["defaultqueuetype"] is JsonValue value && value.GetValueKind() == JsonValueKind.String && VirtualHostMetadata.KnownQueueTypes.Contains(value.GetValue<string>())
            ? new(value.GetValue<string>())
            : throw new ApiException(StatusCodes.Status500InternalServerError, "Error occured while adding vhost", "invalid_queue_type") { ErrorIsCharList = true };
    }

    /// <summary>3.13–4.2.7: a new vhost with a type discover does not know crashes the handler.</summary>
    private static VirtualHostMetadata ReadUnvalidated(JsonBody body, bool creating)
    {
        var requested = body.String("default_queue_type") ?? body.String("defaultqueuetype");
        if (creating && requested is not (null or "undefined") && !VirtualHostMetadata.KnownQueueTypes.Contains(requested))
        {
            throw new UnansweredException();
        }

        return Parse(requested);
    }

    /// <summary>4.2.8+: rabbit_queue_type:validate_default_queue_type; a JSON null is no default.</summary>
    private static VirtualHostMetadata ReadValidated(JsonNode? requested)
    {
        try
        {
            return VirtualHostMetadata.Validate(FieldTableJson.FromJson(requested));
        }
        catch (ArgumentException ex)
        {
            throw ApiException.BadRequest(ex.Message);
        }
    }

    private static VirtualHostMetadata Parse(string? requested)
    {
        try
        {
            return VirtualHostMetadata.Parse(requested);
        }
        catch (ArgumentException ex)
        {
            throw ApiException.BadRequest(ex.Message);
        }
    }
}
