using System.Runtime.InteropServices;

namespace AmqpBroker.Protocol.Encoding;

/// <summary>
/// Maps the UTF-8 bytes of short strings that repeat on a connection (exchange names, routing keys,
/// consumer tags) to one string instance, so the publish path does not allocate a string per message.
/// One per connection; not thread-safe, because only the connection's read loop uses it.
/// </summary>
public sealed class ShortStringCache
{
    private const int Slots = 64;
    private readonly byte[]?[] _keys = new byte[]?[Slots];
    private readonly string?[] _values = new string?[Slots];

    public string GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        var slot = (int)((uint)HashCode.Combine(utf8.Length, MemoryMarshal.Read<byte>(utf8), utf8[^1], utf8[utf8.Length / 2]) % Slots);
        var key = _keys[slot];
        if (key is not null && utf8.SequenceEqual(key))
        {
            return _values[slot]!;
        }

        var value = AmqpReader.DecodeUtf8(utf8);
        _keys[slot] = utf8.ToArray();
        _values[slot] = value;
        return value;
    }
}
