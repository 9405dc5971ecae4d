using AmqpBroker.Core.Messages;

namespace AmqpBroker.Server.Writing;

internal enum OutgoingKind : byte
{
    /// <summary>Pre-encoded frames; with a message, its content header and body follow (basic.return).</summary>
    Encoded,
    Deliver,
    GetOk,
    Heartbeat,

    /// <summary>basic.ack to a confirm-mode publisher; consecutive ones are merged into one with multiple = true.</summary>
    PublisherAck,

    /// <summary>basic.nack to a confirm-mode publisher whose message a queue refused.</summary>
    PublisherNack,
}

/// <summary>
/// One item in a connection's send queue. A struct, so queueing a delivery allocates nothing; the
/// deliver and get-ok frames are encoded by the writer straight into the pipe.
/// </summary>
internal readonly record struct OutgoingFrame(
    OutgoingKind Kind,
    ushort Channel,
    Message? Message = null,
    string? ConsumerTag = null,
    ulong DeliveryTag = 0,
    bool Redelivered = false,
    uint MessageCount = 0,
    byte[]? Encoded = null);
