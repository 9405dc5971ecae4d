using System.Buffers;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Framing;

/// <summary>One frame as parsed from the input pipe; <see cref="Payload"/> is a slice of the pipe's buffer.</summary>
public readonly struct Frame(FrameType type, ushort channel, ReadOnlySequence<byte> payload)
{
    public FrameType Type { get; } = type;

    public ushort Channel { get; } = channel;

    public ReadOnlySequence<byte> Payload { get; } = payload;
}
