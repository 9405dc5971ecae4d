using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Publishing;

/// <summary>
/// RabbitMQ's sender-selected distribution (rabbit_basic:header_routes at v3.10.8, mc_amqpl at v4.x): the
/// <c>CC</c> and <c>BCC</c> headers, arrays of long strings, name more routing keys the message is routed by
/// through the same exchange (each queue still gets one copy), and <c>BCC</c> is removed before the message
/// is enqueued, so no consumer sees it. Elements that are not strings are skipped; a header that is not an
/// array refuses the message. A message without headers costs one flag test, one with headers a scan of
/// their names; only one that has CC or BCC is decoded.
/// </summary>
internal static class SenderSelectedDistribution
{
    private const string Cc = "CC";
    private const string Bcc = "BCC";

    /// <summary>
    /// Puts the message's CC and BCC keys in <paramref name="keys"/> (cleared first) and returns the message to
    /// route: the same one, or, when it had BCC, a copy without it (the given one is then released).
    /// </summary>
    public static Message Apply(Message message, List<string> keys)
    {
        keys.Clear();
        if (!HasRoutingHeaders(message, out var hasBcc))
        {
            return message;
        }

        var properties = BasicProperties.Decode(message.Properties);
        var headers = properties.Headers!;
        AddKeys(headers, keys);
        if (!hasBcc)
        {
            return message;
        }

        properties.Headers = headers.Where(h => h.Key != Bcc).ToDictionary(StringComparer.Ordinal);
        var stripped = Message.Create(message.Exchange, message.RoutingKey, properties.Encode(), message.Body);
        message.Release();
        return stripped;
    }

    /// <summary>The checks alone (a transactional publish is refused at once); the message is left as it is.</summary>
    public static void Check(Message message, List<string> keys)
    {
        if (HasRoutingHeaders(message, out _))
        {
            AddKeys(BasicProperties.Decode(message.Properties).Headers!, keys);
        }

        keys.Clear();
    }

    /// <summary>Adds the string elements of the CC and then the BCC header to <paramref name="keys"/>; 406 for a header that is not an array.</summary>
    public static void AddKeys(IReadOnlyDictionary<string, object?> headers, List<string> keys)
    {
        AddKeys(headers, Cc, keys);
        AddKeys(headers, Bcc, keys);
    }

    private static void AddKeys(IReadOnlyDictionary<string, object?> headers, string name, List<string> keys)
    {
        switch (headers.GetValueOrDefault(name))
        {
            case null when !headers.ContainsKey(name):
                return;
            case IReadOnlyList<object?> values:
                foreach (var value in values)
                {
                    if (value is string key)
                    {
                        keys.Add(key);
                    }
                }

                return;
            case var other:
                throw AmqpException.PreconditionFailed($"invalid message: {{unacceptable_type_in_header,\"{name}\",{ErlangTerms.TypeName(other)}}}");
        }
    }

    /// <summary>Whether the headers name CC or BCC, found by walking their names without decoding a value.</summary>
    private static bool HasRoutingHeaders(Message message, out bool hasBcc)
    {
        hasBcc = false;
        if ((message.Summary.Flags & PropertyFlags.Headers) == 0)
        {
            return false;
        }

        var reader = new AmqpReader(message.Properties);
        var flags = BasicProperties.ReadFlags(ref reader);
        if ((flags & PropertyFlags.ContentType) != 0)
        {
            reader.ReadShortStringBytes();
        }

        if ((flags & PropertyFlags.ContentEncoding) != 0)
        {
            reader.ReadShortStringBytes();
        }

        var table = new AmqpReader(reader.ReadLongStringBytes());
        var found = false;
        while (table.Remaining > 0)
        {
            var name = table.ReadShortStringBytes();
            hasBcc |= name.SequenceEqual("BCC"u8);
            found |= hasBcc || name.SequenceEqual("CC"u8);
            table.SkipFieldValue();
        }

        return found;
    }
}
