namespace AmqpBroker.CodeGen.Spec;

/// <summary>The primitive wire types the 0-9-1 spec's domains resolve to.</summary>
internal enum AmqpType
{
    Octet,
    Short,
    Long,
    LongLong,
    Bit,
    ShortString,
    LongString,
    Timestamp,
    Table,
}
