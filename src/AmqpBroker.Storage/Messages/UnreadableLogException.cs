namespace AmqpBroker.Storage.Messages;

/// <summary>
/// A segment holds something this build cannot read — a newer format version, a record kind it does not
/// know, a record it cannot parse although its checksum is right — so recovering the queue stops rather
/// than guess (reading an unknown record as "settled" would drop messages silently).
/// </summary>
internal sealed class UnreadableLogException(string segment, long offset, string reason)
    : Exception($"{reason} at offset {offset} of {segment}")
{
    public string Segment { get; } = segment;

    public long Offset { get; } = offset;

    public string Reason { get; } = reason;
}
