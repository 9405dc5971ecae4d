using System.Collections;
using System.Text;
using System.Text.Json;
using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Testing.Recording;

/// <summary>
/// A recording as JSON: an array with one object per command (sequence, timestamp, direction, connection, its
/// client-provided name, user, vhost, channel, method, arguments, properties with RabbitMQ's names, the body as text
/// or base64, and the sequence numbers of the commands that settled or confirmed it).
/// </summary>
public static class RecordingJson
{
    public static string Write(IEnumerable<RecordedCommand> commands)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var command in commands)
            {
                WriteCommand(json, command);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteCommand(Utf8JsonWriter json, RecordedCommand command)
    {
        json.WriteStartObject();
        json.WriteNumber("sequence", command.Sequence);
        json.WriteString("timestamp", command.Timestamp);
        json.WriteString("direction", command.Direction switch
        {
            RecordedDirection.FromClient => "from_client",
            RecordedDirection.ToClient => "to_client",
            _ => "in_broker",
        });
        json.WriteString("connection", command.Connection);
        json.WriteString("connection_name", command.ConnectionName);
        json.WriteString("user", command.User);
        json.WriteString("vhost", command.VirtualHost);
        json.WriteNumber("channel", command.Channel);
        json.WriteString("method", command.Method);
        json.WriteString("queue", command.Queue);
        json.WritePropertyName("arguments");
        WriteValue(json, command.Arguments);
        if (command.Properties is { } properties)
        {
            json.WritePropertyName("properties");
            WriteValue(json, PropertyTable.From(properties));
            WriteBody(json, command.Body.Span);
        }

        WriteAnswer(json, "settled_by", command.Settlement);
        WriteAnswer(json, "confirmed_by", command.Confirmation);
        json.WriteEndObject();
    }

    private static void WriteAnswer(Utf8JsonWriter json, string name, RecordedCommand? answer)
    {
        if (answer is not null)
        {
            json.WriteNumber(name, answer.Sequence);
        }
    }

    /// <summary>As the management API's message get does it: <c>payload</c> as a string when UTF-8, base64 otherwise, with <c>payload_encoding</c>.</summary>
    private static void WriteBody(Utf8JsonWriter json, ReadOnlySpan<byte> body)
    {
        json.WriteNumber("payload_bytes", body.Length);
        if (System.Text.Unicode.Utf8.IsValid(body))
        {
            json.WriteString("payload", Encoding.UTF8.GetString(body));
            json.WriteString("payload_encoding", "string");
        }
        else
        {
            json.WriteBase64String("payload", body);
            json.WriteString("payload_encoding", "base64");
        }
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool flag: json.WriteBooleanValue(flag); break;
            case string text: json.WriteStringValue(text); break;
            case byte[] bytes: json.WriteBase64StringValue(bytes); break;
            case AmqpTimestamp timestamp: json.WriteNumberValue(timestamp.UnixSeconds); break;
            case decimal number: json.WriteNumberValue(number); break;
            case float or double: json.WriteNumberValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case ulong number: json.WriteNumberValue(number); break; // also above long.MaxValue, which IntegerValues refuses
            case var _ when IntegerValues.TryGet(value, out var integer): json.WriteNumberValue(integer); break;
            case IReadOnlyDictionary<string, object?> table:
                json.WriteStartObject();
                foreach (var (key, item) in table)
                {
                    json.WritePropertyName(key);
                    WriteValue(json, item);
                }

                json.WriteEndObject();
                break;
            case IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(json, item);
                }

                json.WriteEndArray();
                break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }
}
