using AmqpBroker.CodeGen.Spec;

namespace AmqpBroker.CodeGen.Emit;

/// <summary>How one non-bit wire type maps to C#: its CLR type, size, and reader/writer calls.</summary>
internal static class FieldCodec
{
    public static string ClrType(AmqpType type) => type switch
    {
        AmqpType.Octet => "byte",
        AmqpType.Short => "ushort",
        AmqpType.Long => "uint",
        AmqpType.LongLong => "ulong",
        AmqpType.Bit => "bool",
        AmqpType.Timestamp => "AmqpTimestamp",
        AmqpType.ShortString => "string",
        AmqpType.LongString => "byte[]",
        AmqpType.Table => "IReadOnlyDictionary<string, object?>",
        _ => throw Unknown(type),
    };

    /// <summary>
    /// The value a reference-typed property returns while unset, so that no property is ever null
    /// (<c>default(T)</c> included); null for value types, which need no backing field.
    /// </summary>
    public static string? EmptyValue(AmqpType type) => type switch
    {
        AmqpType.ShortString => "string.Empty",
        AmqpType.LongString => "Array.Empty<byte>()",
        AmqpType.Table => "FieldTable.Empty",
        _ => null,
    };

    /// <summary>The fixed part of the encoded size (the length prefix for strings and tables).</summary>
    public static int FixedSize(AmqpType type) => type switch
    {
        AmqpType.Octet => 1,
        AmqpType.Short => 2,
        AmqpType.Long => 4,
        AmqpType.LongLong or AmqpType.Timestamp => 8,
        AmqpType.LongString => 4,
        // AmqpSize.ShortString and AmqpSize.Table already count their own length prefix.
        AmqpType.ShortString or AmqpType.Table => 0,
        _ => throw Unknown(type),
    };

    /// <summary>The size term that depends on the value, or null when the size is fixed.</summary>
    public static string? VariableSize(AmqpType type, string property) => type switch
    {
        AmqpType.ShortString => $"AmqpSize.ShortString({property})",
        AmqpType.LongString => $"{property}.Length",
        AmqpType.Table => $"AmqpSize.Table({property})",
        _ => null,
    };

    public static string Read(AmqpType type) => type switch
    {
        AmqpType.Octet => "reader.ReadOctet()",
        AmqpType.Short => "reader.ReadShort()",
        AmqpType.Long => "reader.ReadLong()",
        AmqpType.LongLong => "reader.ReadLongLong()",
        AmqpType.Timestamp => "reader.ReadTimestamp()",
        // Interned through the connection's ShortStringCache when the reader has one.
        AmqpType.ShortString => "reader.ReadShortString()",
        AmqpType.LongString => "reader.ReadLongString()",
        AmqpType.Table => "reader.ReadTable()",
        _ => throw Unknown(type),
    };

    public static string Write(AmqpType type, string property) => type switch
    {
        AmqpType.Octet => $"writer.WriteOctet({property});",
        AmqpType.Short => $"writer.WriteShort({property});",
        AmqpType.Long => $"writer.WriteLong({property});",
        AmqpType.LongLong => $"writer.WriteLongLong({property});",
        AmqpType.Timestamp => $"writer.WriteTimestamp({property});",
        AmqpType.ShortString => $"writer.WriteShortString({property});",
        AmqpType.LongString => $"writer.WriteLongString({property});",
        AmqpType.Table => $"writer.WriteTable({property});",
        _ => throw Unknown(type),
    };

    private static ArgumentOutOfRangeException Unknown(AmqpType type) =>
        new(nameof(type), type, "no C# mapping for this AMQP type here");
}
