using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Testing.Recording;

/// <summary>
/// The recorder's view of one connection, fed by the server at the frame level: every frame the read loop
/// takes (<see cref="Received"/>) and every frame the writer sends (the <c>Sent</c> methods). It assembles
/// methods with their content into <see cref="RecordedCommand"/>s, ties acks to deliveries and confirms to
/// publishes, and hands them to the <see cref="BrokerRecorder"/>. The server checks <see cref="IsOn"/>
/// (one volatile read) before calling anything, so a broker that is not recording pays nothing more.
/// </summary>
public sealed class ConnectionRecording
{
    private readonly BrokerRecorder _recorder;
    private readonly string _connection;
    private readonly Lock _lock = new();
    private readonly Dictionary<ushort, ChannelRecording> _channels = [];
    private ClientConnection? _client;
    private uint _frameMax = Protocol.Methods.AmqpConstants.FrameMinSize;

    internal ConnectionRecording(BrokerRecorder recorder, string connection)
    {
        _recorder = recorder;
        _connection = connection;
    }

    public bool IsOn => _recorder.IsRecording;

    /// <summary>The connection is open: commands from now on name its user, vhost and client-provided name.</summary>
    /// <param name="client">The broker's record of the connection.</param>
    /// <param name="frameMax">The negotiated frame_max, which splits the bodies the broker sends into frames.</param>
    public void OnOpened(ClientConnection client, uint frameMax)
    {
        lock (_lock)
        {
            _client = client;
            _frameMax = frameMax;
        }
    }

    /// <summary>A frame the broker read from the client.</summary>
    public void Received(FrameType type, ushort channel, ReadOnlySequence<byte> payload)
    {
        lock (_lock)
        {
            switch (type)
            {
                case FrameType.Method:
                    OnMethod(RecordedDirection.FromClient, channel, payload.ToArray());
                    break;
                case FrameType.Header when Channel(channel).Incoming is { HasHeader: false } content:
                    var header = ContentHeader.Parse(payload.ToArray());
                    content.OnHeader(BasicProperties.Decode(header.Properties), header.BodySize);
                    CompleteIfWhole(channel, content);
                    break;
                case FrameType.Body when Channel(channel).Incoming is { HasHeader: true } content:
                    content.OnBody(payload);
                    CompleteIfWhole(channel, content);
                    break;
                case FrameType.Heartbeat:
                    Emit(NewCommand(RecordedDirection.FromClient, channel, "heartbeat"));
                    break;
            }
        }
    }

    /// <summary>Pre-encoded frames the broker sent (one or more method frames), with the content of a basic.return.</summary>
    public void SentEncoded(ReadOnlySpan<byte> frames, Message? content)
    {
        var buffer = new ReadOnlySequence<byte>(frames.ToArray());
        lock (_lock)
        {
            try
            {
                while (FrameReader.TryReadFrame(ref buffer, uint.MaxValue, out var frame))
                {
                    if (frame.Type == FrameType.Method)
                    {
                        OnMethod(RecordedDirection.ToClient, frame.Channel, frame.Payload.ToArray(), content);
                    }
                }
            }
            catch (FrameFormatException)
            {
                // Not frames: the protocol header the broker answers a wrong one with.
            }
        }
    }

    /// <summary>basic.deliver (or basic.get-ok with <paramref name="messageCount"/>) with its message.</summary>
    public void SentDelivery(ushort channel, string? consumerTag, ulong deliveryTag, bool redelivered, Message message, uint? messageCount = null)
    {
        var method = consumerTag is null ? "basic.get-ok" : "basic.deliver";
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["delivery-tag"] = deliveryTag,
            ["redelivered"] = redelivered,
            ["exchange"] = message.Exchange,
            ["routing-key"] = message.RoutingKey,
        };
        if (consumerTag is not null)
        {
            arguments["consumer-tag"] = consumerTag;
        }
        else
        {
            arguments["message-count"] = messageCount ?? 0;
        }

        lock (_lock)
        {
            Emit(WithContent(NewCommand(RecordedDirection.ToClient, channel, method, arguments, Channel(channel).QueueOf(method, consumerTag)), message));
        }
    }

    /// <summary>A publisher confirm the broker sent: basic.ack (or basic.nack) for <paramref name="deliveryTag"/>.</summary>
    public void SentConfirm(ushort channel, ulong deliveryTag, bool multiple, bool ack)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal) { ["delivery-tag"] = deliveryTag, ["multiple"] = multiple };
        if (!ack)
        {
            arguments["requeue"] = false;
        }

        lock (_lock)
        {
            Emit(NewCommand(RecordedDirection.ToClient, channel, ack ? "basic.ack" : "basic.nack", arguments));
        }
    }

    public void SentHeartbeat()
    {
        lock (_lock)
        {
            Emit(NewCommand(RecordedDirection.ToClient, 0, "heartbeat"));
        }
    }

    private void OnMethod(RecordedDirection direction, ushort channel, byte[] payload, Message? content = null)
    {
        if (payload.Length < 4)
        {
            return;
        }

        var commandId = BinaryPrimitives.ReadUInt32BigEndian(payload);
        var command = NewCommand(direction, channel, CommandInfo.GetName(commandId), MethodArguments.Read(commandId, payload[4..]));
        if (content is not null)
        {
            Emit(WithContent(command, content));
        }
        else if (direction == RecordedDirection.FromClient && CommandInfo.HasContent(commandId))
        {
            Channel(channel).Incoming = new ContentInProgress(command);
        }
        else
        {
            Emit(command);
        }
    }

    private void CompleteIfWhole(ushort channel, ContentInProgress content)
    {
        if (content.IsComplete)
        {
            Channel(channel).Incoming = null;
            Emit(content.Complete());
        }
    }

    private RecordedCommand NewCommand(RecordedDirection direction, ushort channel, string method, IReadOnlyDictionary<string, object?>? arguments = null, string? queue = null) => new()
    {
        Timestamp = _recorder.Now,
        Direction = direction,
        Connection = _connection,
        ConnectionName = _client?.ClientProperties.GetValueOrDefault("connection_name") as string,
        User = _client?.User.Name,
        VirtualHost = _client?.VirtualHost,
        Channel = channel,
        Method = method,
        Arguments = arguments ?? Protocol.Encoding.FieldTable.Empty,
        Queue = queue,
    };

    /// <summary>The command with the message's content, its body cut into frames as the writer cuts it.</summary>
    private RecordedCommand WithContent(RecordedCommand command, Message message)
    {
        var content = new ContentInProgress(command);
        content.OnHeader(BasicProperties.Decode(message.Properties), (ulong)message.BodySize);
        var body = message.Body.ToArray();
        var frameBody = (int)_frameMax - 8;
        for (var offset = 0; offset < body.Length; offset += frameBody)
        {
            content.OnBody(new ReadOnlySequence<byte>(body, offset, Math.Min(frameBody, body.Length - offset)));
        }

        return content.Complete();
    }

    /// <summary>Records the command, and once more each earlier command it answered (so waits on "acked" see it).</summary>
    private void Emit(RecordedCommand command)
    {
        _recorder.Add(command);
        foreach (var answered in Channel(command.Channel).Follow(command))
        {
            _recorder.Changed(answered);
        }
    }

    private ChannelRecording Channel(ushort number)
    {
        if (!_channels.TryGetValue(number, out var channel))
        {
            channel = new ChannelRecording();
            _channels[number] = channel;
        }

        return channel;
    }
}
