using System.Buffers.Binary;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Tests.TestSupport;

/// <summary>A frame the server sent, copied out of the pipe.</summary>
internal sealed record ReceivedFrame(FrameType Type, ushort Channel, byte[] Payload)
{
    public uint CommandId => Type == FrameType.Method
        ? ((uint)BinaryPrimitives.ReadUInt16BigEndian(Payload) << 16) | BinaryPrimitives.ReadUInt16BigEndian(Payload.AsSpan(2))
        : 0;

    public bool IsMethod<T>()
        where T : struct, IAmqpMethod<T> => Type == FrameType.Method && CommandId == T.CommandId;

    public T Read<T>()
        where T : struct, IAmqpMethod<T>
    {
        Assert.That(Type, Is.EqualTo(FrameType.Method), $"expected {typeof(T).Name}, got {this}");
        Assert.That(CommandInfo.GetName(CommandId), Is.EqualTo(CommandInfo.GetName(T.CommandId)), $"expected {typeof(T).Name}, got {this}");
        var reader = new AmqpReader(Payload.AsSpan(4));
        var method = T.Read(ref reader);
        Assert.That(reader.Remaining, Is.Zero, $"{typeof(T).Name} has trailing bytes");
        return method;
    }

    public override string ToString() => Type == FrameType.Method
        ? $"{CommandInfo.GetName(CommandId)} on channel {Channel}{Describe()}"
        : $"{Type} frame of {Payload.Length} bytes on channel {Channel}";

    private string Describe()
    {
        var reader = new AmqpReader(Payload.AsSpan(4));
        return CommandId switch
        {
            CommandIds.ConnectionClose => $" ({ConnectionClose.Read(ref reader).ReplyText})",
            CommandIds.ChannelClose => $" ({ChannelClose.Read(ref reader).ReplyText})",
            _ => "",
        };
    }
}
