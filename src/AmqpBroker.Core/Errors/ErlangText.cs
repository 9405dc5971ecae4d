using System.Text;

namespace AmqpBroker.Core.Errors;

/// <summary>
/// A text as RabbitMQ's <c>~p</c>/<c>~tp</c> prints it inside an error reason: an Erlang string in double quotes or a
/// binary <c>&lt;&lt;"…"&gt;&gt;</c>, with the escapes Erlang writes for quotes, backslashes and line breaks.
/// </summary>
public static class ErlangText
{
    /// <summary>The text as an Erlang string (a list of characters): <c>"text"</c>.</summary>
    public static string Quoted(string text) => $"\"{Escape(text)}\"";

    /// <summary>The text as an Erlang binary: <c>&lt;&lt;"text"&gt;&gt;</c>.</summary>
    public static string Binary(string text) => $"<<\"{Escape(text)}\">>";

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
