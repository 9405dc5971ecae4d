using System.Text;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Testing.Recording;

/// <summary>Which way a recorded command went.</summary>
public enum RecordedDirection
{
    /// <summary>Sent by the client to the broker.</summary>
    FromClient,

    /// <summary>Sent by the broker to the client.</summary>
    ToClient,

    /// <summary>Something the broker did that no frame shows (a message dead-lettered).</summary>
    InBroker,
}

/// <summary>
/// One AMQP command as it crossed the wire: a method with its arguments, and for content-bearing methods the
/// content header's properties and the body, on one channel of one connection, with when it happened. A
/// delivery remembers the client's ack, nack or reject that settled it, and a publish on a confirm channel
/// the broker's confirm; <see cref="BrokerRecorder"/> fills these in as they happen.
/// </summary>
public sealed class RecordedCommand
{
    /// <summary>The method that records a message the broker dead-lettered (<see cref="RecordedDirection.InBroker"/>); its arguments name the queue and reason.</summary>
    public const string DeadLetteredMethod = "broker.dead-lettered";

    private volatile RecordedCommand? _settlement;
    private volatile RecordedCommand? _confirmation;

    /// <summary>Order of recording, from 1.</summary>
    public long Sequence { get; internal set; }

    public DateTimeOffset Timestamp { get; init; }

    public RecordedDirection Direction { get; init; }

    /// <summary>The connection's addresses (<c>127.0.0.1:50312 -&gt; 127.0.0.1:5672</c>), or empty for the broker's own events.</summary>
    public string Connection { get; init; } = "";

    /// <summary>The client-provided connection name (<c>connection_name</c>), once the connection is open.</summary>
    public string? ConnectionName { get; init; }

    public string? User { get; init; }

    public string? VirtualHost { get; init; }

    public ushort Channel { get; init; }

    /// <summary>The method's name as the spec writes it: <c>basic.publish</c>, <c>connection.close</c>; <c>heartbeat</c> for a heartbeat frame.</summary>
    public string Method { get; init; } = "";

    /// <summary>The method's arguments by their spec names (<c>exchange</c>, <c>routing-key</c>, <c>delivery-tag</c>).</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; init; } = FieldTable.Empty;

    /// <summary>The content properties, for a method with content.</summary>
    public BasicProperties? Properties { get; init; }

    /// <summary>The content body, for a method with content.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The size of each body frame the content came in (or went out in).</summary>
    public IReadOnlyList<int> BodyFrames { get; init; } = [];

    /// <summary>For basic.deliver and basic.get-ok, the queue the message came from, where the recording saw the consume or get.</summary>
    public string? Queue { get; init; }

    /// <summary>For a delivery, the client's basic.ack, basic.nack or basic.reject that settled it, once it has.</summary>
    public RecordedCommand? Settlement { get => _settlement; internal set => _settlement = value; }

    /// <summary>For a publish on a confirm channel, the broker's basic.ack or basic.nack for it, once sent.</summary>
    public RecordedCommand? Confirmation { get => _confirmation; internal set => _confirmation = value; }

    public string? Exchange => Argument("exchange") as string;

    public string? RoutingKey => Argument("routing-key") as string;

    public string? ConsumerTag => Argument("consumer-tag") as string;

    public ulong DeliveryTag => Argument("delivery-tag") is ulong tag ? tag : 0;

    public bool Redelivered => Argument("redelivered") is true;

    public ushort ReplyCode => Argument("reply-code") is ushort code ? code : (ushort)0;

    public string? ReplyText => Argument("reply-text") as string;

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>A delivery the client acked, or a publish the broker confirmed with basic.ack.</summary>
    public bool WasAcked => (Settlement ?? Confirmation)?.Method == "basic.ack";

    /// <summary>A delivery the client nacked or rejected without requeue, or a publish the broker confirmed with basic.nack.</summary>
    public bool WasNacked => (Settlement ?? Confirmation) is { } answer && answer.Method is "basic.nack" or "basic.reject" && answer.Argument("requeue") is not true;

    /// <summary>A delivery the client nacked or rejected with requeue.</summary>
    public bool WasRequeued => Settlement is { } answer && answer.Argument("requeue") is true;

    public object? Argument(string name) => Arguments.GetValueOrDefault(name);

    /// <summary>A header of the content properties, or null.</summary>
    public object? Header(string name) => Properties?.Headers?.GetValueOrDefault(name);

    public override string ToString() => RecordingText.Describe(this);
}
