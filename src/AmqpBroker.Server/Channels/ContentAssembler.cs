using System.Buffers;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// Assembles basic.publish → content header → body frames into one <see cref="Message"/>, copying the
/// body once out of the pipe into the message's pooled buffer. A frame out of order is UNEXPECTED_FRAME,
/// with RabbitMQ's texts. Like RabbitMQ it also takes the content of the other content-carrying methods
/// (basic.deliver, get-ok, return), which a client should never send, so that the channel can refuse them
/// once their content has arrived, as RabbitMQ does.
/// </summary>
internal sealed class ContentAssembler(long maxMessageSize)
{
    private const ushort BasicClassId = 60;

    private BasicPublish _publish;
    private Message? _message;
    private bool _awaitingHeader;

    public bool IsIdle => !_awaitingHeader && _message is null;

    public BasicPublish Publish => _publish;

    /// <summary>The method whose content is being received, or 0 when none is.</summary>
    public uint Command { get; private set; }

    public void Begin(in BasicPublish publish) => Begin(CommandIds.BasicPublish, publish);

    /// <summary>Takes the content of a content-carrying method other than basic.publish, to be refused once complete.</summary>
    public void BeginUnsolicited(uint commandId) => Begin(commandId, new BasicPublish { Exchange = "", RoutingKey = "" });

    private void Begin(uint commandId, in BasicPublish publish)
    {
        Command = commandId;
        _publish = publish;
        _awaitingHeader = true;
    }

    /// <summary>Takes the content header; returns the message when it has no body, otherwise null.</summary>
    public Message? OnHeader(ReadOnlySequence<byte> payload)
    {
        if (!_awaitingHeader)
        {
            throw _message is null
                ? AmqpException.UnexpectedFrame("expected method frame, got non method frame instead")
                : AmqpException.UnexpectedFrame("expected content body, got non content body frame instead");
        }

        // RabbitMQ takes a header whose weight is not zero for some other kind of frame.
        if (Weight(payload) != 0)
        {
            throw AmqpException.UnexpectedFrame($"expected content header for class {BasicClassId}, got non content header frame instead");
        }

        if (payload.IsSingleSegment)
        {
            StartMessage(payload.FirstSpan);
        }
        else
        {
            // A header split across pipe segments is joined in a pooled buffer, not a new array.
            var length = (int)payload.Length;
            var rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                payload.CopyTo(rented);
                StartMessage(rented.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return _message!.IsComplete ? Take() : null;
    }

    private static ushort Weight(ReadOnlySequence<byte> payload)
    {
        Span<byte> weight = stackalloc byte[2];
        payload.Slice(2, 2).CopyTo(weight);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(weight);
    }

    /// <summary>Parses the content header and creates the message, which copies the properties out of <paramref name="headerPayload"/>.</summary>
    private void StartMessage(ReadOnlySpan<byte> headerPayload)
    {
        var header = ContentHeader.Parse(headerPayload);
        if (header.ClassId != BasicClassId)
        {
            throw AmqpException.UnexpectedFrame($"expected content header for class {BasicClassId}, got one for class {header.ClassId} instead");
        }

        _awaitingHeader = false;
        PublishRules.CheckSize((long)Math.Min(header.BodySize, long.MaxValue), maxMessageSize);
        _message = new Message(_publish.Exchange, _publish.RoutingKey, header.Properties, header.Summary, (int)header.BodySize);
    }

    /// <summary>Takes a body frame; returns the message once its body is complete, otherwise null.</summary>
    public Message? OnBody(ReadOnlySequence<byte> payload)
    {
        if (_message is null)
        {
            throw AmqpException.UnexpectedFrame(_awaitingHeader
                ? $"expected content header for class {BasicClassId}, got non content header frame instead"
                : "expected method frame, got non method frame instead");
        }

        if (!_message.TryAppendBody(payload))
        {
            throw AmqpException.FrameError($"body frames carry more than the {_message.BodySize} bytes the content header announced");
        }

        return _message.IsComplete ? Take() : null;
    }

    /// <summary>Checks that a method frame may arrive now (not in the middle of a message's content).</summary>
    public void CheckMethodAllowed()
    {
        if (!IsIdle)
        {
            throw AmqpException.UnexpectedFrame(_awaitingHeader
                ? $"expected content header for class {BasicClassId}, got non content header frame instead"
                : "expected content body, got non content body frame instead");
        }
    }

    /// <summary>Drops a partly received message (the channel is closing).</summary>
    public void Reset()
    {
        _message?.Release();
        _message = null;
        _awaitingHeader = false;
        Command = 0;
    }

    private Message Take()
    {
        var message = _message!;
        _message = null;
        Command = 0;
        return message;
    }
}
