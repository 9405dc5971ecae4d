using System.Text;

namespace AmqpBroker.Protocol.Framing;

/// <summary>
/// Bytes written as Erlang writes a binary, for RabbitMQ's frame-error texts: <c>&lt;&lt;0,60,1&gt;&gt;</c>
/// (its <c>~w</c>), or <c>&lt;&lt;"abc"&gt;&gt;</c> when every byte is printable (its <c>~p</c>).
/// </summary>
public static class ErlangBinary
{
    /// <summary>RabbitMQ shows at most this many bytes of a bad frame's payload.</summary>
    public const int SnippetLength = 16;

    /// <summary>RabbitMQ's <c>type T, all octets = ...</c> or <c>type T, first 16 octets = ...</c> for a frame it cannot use.</summary>
    public static string DescribeFrame(byte type, ReadOnlySpan<byte> payload) => payload.Length <= SnippetLength
        ? $"type {type}, all octets = {Printed(payload)}"
        : $"type {type}, first 16 octets = {Printed(payload[..SnippetLength])}";

    /// <summary>The <c>~w</c> form: every byte as a number.</summary>
    public static string Numbers(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder("<<", (bytes.Length * 4) + 4);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(bytes[i]);
        }

        return text.Append(">>").ToString();
    }

    /// <summary>The <c>~p</c> form: a quoted string when every byte is printable ASCII or a common escape, else numbers.</summary>
    public static string Printed(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || !IsPrintable(bytes))
        {
            return Numbers(bytes);
        }

        var text = new StringBuilder("<<\"", bytes.Length + 6);
        foreach (var b in bytes)
        {
            text.Append(b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                0x0B => "\\v",
                0x08 => "\\b",
                0x0C => "\\f",
                0x1B => "\\e",
                _ => ((char)b).ToString(),
            });
        }

        return text.Append("\">>").ToString();
    }

    private static bool IsPrintable(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not (>= 32 and <= 126) and not (>= 8 and <= 13) and not 27)
            {
                return false;
            }
        }

        return true;
    }
}
