namespace AmqpBroker.Protocol.Tests.Generated;

/// <summary>Builds expected wire bytes: an int is one octet, a string is its UTF-8 bytes.</summary>
internal static class Wire
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
                default:
                    throw new ArgumentException($"unsupported part {part}", nameof(parts));
            }
        }

        return [.. bytes];
    }
}
