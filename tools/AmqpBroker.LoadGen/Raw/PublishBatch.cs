using System.Buffers;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.LoadGen.Raw;

/// <summary>
/// A run of identical basic.publish messages (method, content header, body frames), encoded once and sent with
/// one write each time; only the send stamps at the start of each body are rewritten per send.
/// </summary>
internal sealed class PublishBatch
{
    /// <summary>About this many bytes per write, so that small messages go out many to a syscall.</summary>
    private const int TargetBytes = 64 * 1024;

    private readonly byte[] _bytes;
    private readonly int[] _ends;
    private readonly int[] _stamps;

    public PublishBatch(string routingKey, int bodySize, bool persistent, uint frameMax, int maxMessages)
    {
        var one = Encode(routingKey, new byte[bodySize], persistent, frameMax);
        var count = Math.Clamp(TargetBytes / one.Length, 1, maxMessages);
        _bytes = new byte[one.Length * count];
        _ends = new int[count];
        _stamps = new int[count];
        for (var i = 0; i < count; i++)
        {
            one.CopyTo(_bytes, i * one.Length);
            _ends[i] = (i + 1) * one.Length;
            _stamps[i] = bodySize >= SendStamp.Length ? (i * one.Length) + FirstBodyPayloadOffset(one.Length, bodySize, frameMax) : -1;
        }
    }

    public int Count => _ends.Length;

    /// <summary>The first <paramref name="messages"/> messages, stamped with the current time.</summary>
    public ReadOnlyMemory<byte> Take(int messages)
    {
        for (var i = 0; i < messages; i++)
        {
            if (_stamps[i] >= 0)
            {
                SendStamp.Write(_bytes.AsSpan(_stamps[i]));
            }
        }

        return _bytes.AsMemory(0, _ends[messages - 1]);
    }

    private static byte[] Encode(string routingKey, byte[] body, bool persistent, uint frameMax)
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMethod(buffer, RawConnection.Channel, new BasicPublish { Exchange = "", RoutingKey = routingKey });
        var properties = persistent ? new BasicProperties { DeliveryMode = 2 }.Encode() : new BasicProperties().Encode();
        FrameWriter.WriteContentHeader(buffer, RawConnection.Channel, (ulong)body.Length, properties);
        FrameWriter.WriteBody(buffer, RawConnection.Channel, body, frameMax);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Where the first body frame's payload starts in one encoded message: after the method and header frames.</summary>
    private static int FirstBodyPayloadOffset(int messageLength, int bodySize, uint frameMax)
    {
        var chunk = (int)frameMax - FrameReader.FrameOverhead;
        var bodyFrames = (bodySize + chunk - 1) / chunk;
        var bodyBytes = bodySize + (bodyFrames * FrameReader.FrameOverhead);
        return messageLength - bodyBytes + FrameReader.HeaderSize;
    }
}
