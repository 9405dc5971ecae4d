using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Resources;

/// <summary>A vhost's <c>tags</c> in a request body or a definitions file: a comma-separated string or a list of strings.</summary>
internal static class VirtualHostTags
{
    public static IReadOnlyList<string> Read(JsonNode? tags)
    {
        try
        {
            return VirtualHostMetadata.ParseTags(FieldTableJson.FromJson(tags));
        }
        catch (ArgumentException ex)
        {
            throw ApiException.BadRequest(ex.Message);
        }
    }
}
