using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AmqpBroker.Management.Json;

/// <summary>
/// A binding's <c>properties_key</c>: its name in URLs, since AMQP bindings have none. As in RabbitMQ it
/// is the escaped routing key, followed by <c>~</c> and a short hash when the binding has arguments, and
/// <c>~</c> alone for an empty key without arguments. Clients read it from a listing and pass it back;
/// the hash itself is ours (SHA-256 of the arguments' canonical JSON), not RabbitMQ's Erlang term hash.
/// </summary>
internal static class BindingKey
{
    public static string For(string routingKey, IReadOnlyDictionary<string, object?> arguments)
    {
        // "~" separates the hash, so a literal one in the key is escaped too.
        var key = Uri.EscapeDataString(routingKey).Replace("~", "%7E", StringComparison.Ordinal);
        if (arguments.Count == 0)
        {
            return key.Length == 0 ? "~" : key;
        }

        var canonical = FieldTableJson.ToJson(arguments).ToJsonString(FieldTableJson.SerializerOptions);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return $"{key}~{Base64Url.EncodeToString(hash.AsSpan(0, 4))}";
    }
}
