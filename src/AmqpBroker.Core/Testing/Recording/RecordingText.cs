using System.Collections;
using System.Globalization;
using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Testing.Recording;

/// <summary>
/// A recording as a readable trace, one line per frame as a protocol analyser's AMQP dissector lists them: the
/// method with its arguments, then the content header with the properties, then each body frame with a preview.
/// <code>
/// 12:00:01.250113 #7 C->S 127.0.0.1:50312 -> 127.0.0.1:5672 ('orders') ch 1 basic.publish exchange='', routing-key='q', mandatory=False, immediate=False
/// 12:00:01.250113 #7 C->S 127.0.0.1:50312 -> 127.0.0.1:5672 ('orders') ch 1   content header body-size=5 content_type='text/plain'
/// 12:00:01.250113 #7 C->S 127.0.0.1:50312 -> 127.0.0.1:5672 ('orders') ch 1   content body 5 bytes 'hello'
/// </code>
/// </summary>
public static class RecordingText
{
    private const int PreviewLength = 64;

    public static string Write(IEnumerable<RecordedCommand> commands)
    {
        var text = new StringBuilder();
        foreach (var command in commands)
        {
            foreach (var line in Lines(command))
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    /// <summary>One command's frames, joined by newlines.</summary>
    public static string Describe(RecordedCommand command) => string.Join(Environment.NewLine, Lines(command));

    /// <summary>One line per frame of the command.</summary>
    public static IEnumerable<string> Lines(RecordedCommand command)
    {
        var prefix = Prefix(command);
        yield return $"{prefix} {command.Method}{Arguments(command.Arguments)}";
        if (command.Properties is not { } properties)
        {
            yield break;
        }

        yield return $"{prefix}   content header body-size={command.Body.Length}{Arguments(PropertyTable.From(properties))}";
        var offset = 0;
        foreach (var size in command.BodyFrames)
        {
            yield return $"{prefix}   content body {size} bytes {Preview(command.Body.Span.Slice(offset, size))}";
            offset += size;
        }
    }

    private static string Prefix(RecordedCommand command)
    {
        var direction = command.Direction switch
        {
            RecordedDirection.FromClient => "C->S",
            RecordedDirection.ToClient => "S->C",
            _ => "broker",
        };
        var name = command.ConnectionName is { } given ? $" ('{given}')" : "";
        var connection = command.Connection.Length > 0 ? $" {command.Connection}{name} ch {command.Channel}" : $" vhost '{command.VirtualHost}'";
        return $"{command.Timestamp.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture)} #{command.Sequence} {direction}{connection}";
    }

    private static string Arguments(IReadOnlyDictionary<string, object?> arguments) =>
        arguments.Count == 0 ? "" : " " + string.Join(", ", arguments.Select(a => $"{a.Key}={Value(a.Value)}"));

    private static string Value(object? value) => value switch
    {
        null => "null",
        string text => $"'{text}'",
        byte[] bytes => Preview(bytes),
        AmqpTimestamp timestamp => timestamp.UnixSeconds.ToString(CultureInfo.InvariantCulture),
        IReadOnlyDictionary<string, object?> table => "{" + string.Join(", ", table.Select(e => $"{e.Key}={Value(e.Value)}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Value)) + "]",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The bytes as quoted text when they are printable UTF-8, as hex otherwise; cut at <see cref="PreviewLength"/>.</summary>
    private static string Preview(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes[..Math.Min(bytes.Length, PreviewLength)];
        var more = bytes.Length > PreviewLength ? "..." : "";
        var text = Encoding.UTF8.GetString(shown);
        return text.All(c => !char.IsControl(c) || c is '\n' or '\r' or '\t') && !text.Contains('\uFFFD')
            ? $"'{text.ReplaceLineEndings("\\n")}'{more}"
            : $"0x{Convert.ToHexString(shown)}{more}";
    }
}
