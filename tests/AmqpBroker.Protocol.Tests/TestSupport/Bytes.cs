namespace AmqpBroker.Protocol.Tests.TestSupport;

/// <summary>Builds expected wire bytes by hand: an int is one octet, a string is its UTF-8 bytes, a byte[] is copied.</summary>
internal static class Bytes
{
    public static byte[] Of(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case int octet:
                    bytes.Add(checked((byte)octet));
                    break;
                case string text:
                    bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(text));
                    break;
                case byte[] raw:
                    bytes.AddRange(raw);
                    break;
                default:
                    throw new ArgumentException($"unsupported part {part}", nameof(parts));
            }
        }

        return [.. bytes];
    }

    /// <summary>Hex digits with optional spaces: <c>"08 00 00 00 00 00 00 CE"</c>.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string ToHex(ReadOnlySpan<byte> bytes)
    {
        var text = Convert.ToHexString(bytes);
        var spaced = new System.Text.StringBuilder(text.Length * 3 / 2);
        for (var i = 0; i < text.Length; i += 2)
        {
            if (i > 0)
            {
                spaced.Append(' ');
            }

            spaced.Append(text, i, 2);
        }

        return spaced.ToString();
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
