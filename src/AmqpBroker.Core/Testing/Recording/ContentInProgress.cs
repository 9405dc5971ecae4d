using System.Buffers;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Testing.Recording;

/// <summary>A content-bearing method whose header and body frames are still arriving.</summary>
internal sealed class ContentInProgress(RecordedCommand method)
{
    private readonly ArrayBufferWriter<byte> _body = new();
    private readonly List<int> _frames = [];
    private BasicProperties? _properties;
    private ulong _expected;

    public RecordedCommand Method => method;

    public bool HasHeader => _properties is not null;

    public void OnHeader(BasicProperties properties, ulong bodySize)
    {
        _properties = properties;
        _expected = bodySize;
    }

    public void OnBody(ReadOnlySequence<byte> payload)
    {
        foreach (var segment in payload)
        {
            _body.Write(segment.Span);
        }

        _frames.Add((int)payload.Length);
    }

    public bool IsComplete => HasHeader && (ulong)_body.WrittenCount >= _expected;

    /// <summary>The method with its content.</summary>
    public RecordedCommand Complete() => new()
    {
        Timestamp = method.Timestamp,
        Direction = method.Direction,
        Connection = method.Connection,
        ConnectionName = method.ConnectionName,
        User = method.User,
        VirtualHost = method.VirtualHost,
        Channel = method.Channel,
        Method = method.Method,
        Arguments = method.Arguments,
        Queue = method.Queue,
        Properties = _properties,
        Body = _body.WrittenMemory.ToArray(),
        BodyFrames = _frames,
    };
}
