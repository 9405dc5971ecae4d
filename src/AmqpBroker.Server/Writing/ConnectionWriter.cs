using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Testing.Recording;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Writing;

/// <summary>
/// The only code that touches a connection's <see cref="PipeWriter"/>. Channels and queues (on any
/// thread) enqueue frames; one loop encodes them into the pipe and flushes once each time the queue
/// drains, and awaiting that flush is the back-pressure. Deliveries are refused while too many bytes
/// wait here, and <see cref="Writable"/> fires when the backlog has drained again.
/// </summary>
internal sealed class ConnectionWriter
{
    private const long HighWatermarkBytes = 4 * 1024 * 1024;
    private const long LowWatermarkBytes = HighWatermarkBytes / 4;
    private const long FlushThresholdBytes = 256 * 1024;

    private readonly PipeWriter _output;
    private readonly StallGate _stall;
    private readonly Channel<OutgoingFrame> _queue = Channel.CreateUnbounded<OutgoingFrame>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly Lock _holdLock = new();
    private List<byte[]>? _heldCancels;
    private PendingAck _pendingAck;
    private long _pendingBytes;
    private int _pendingDeliveries;
    private int _refusedDeliveries;
    private volatile bool _sentSinceLastCheck;
    private volatile bool _faulted;
    private long _deliveryDelayTicks;

    /// <param name="output">The connection's output pipe.</param>
    /// <param name="time">The broker's clock, which times test faults (stalls, delayed deliveries).</param>
    public ConnectionWriter(PipeWriter output, TimeProvider? time = null)
    {
        _output = output;
        _stall = new StallGate(time ?? TimeProvider.System);
    }

    /// <summary>Raised on the writer loop when the delivery backlog has drained after a refusal.</summary>
    public event Action? Writable;

    /// <summary>Where the frames written are recorded while the broker's recorder is on; set before <see cref="RunAsync"/>.</summary>
    public ConnectionRecording? Recording { get; set; }

    /// <summary>Where each flush counts its bytes (the connection's traffic, which the metrics read).</summary>
    public ConnectionTraffic Traffic { get; init; } = new();

    /// <summary>Deliveries (messages) enqueued and not yet encoded into the pipe.</summary>
    public int PendingDeliveries => Volatile.Read(ref _pendingDeliveries);

    /// <summary>The negotiated frame_max, which splits bodies into frames.</summary>
    public uint FrameMax { get; set; } = AmqpConstants.FrameMinSize;

    public bool CanAcceptDeliveries
    {
        get
        {
            if (Volatile.Read(ref _pendingBytes) < HighWatermarkBytes)
            {
                return true;
            }

            Volatile.Write(ref _refusedDeliveries, 1);
            return false;
        }
    }

    /// <summary>True once per interval in which something was written; the heartbeat check reads and resets it.</summary>
    public bool TakeSentFlag()
    {
        var sent = _sentSinceLastCheck;
        _sentSinceLastCheck = false;
        return sent;
    }

    public void Enqueue(in OutgoingFrame frame)
    {
        if (frame.Message is { } message)
        {
            message.AddReference();
            Interlocked.Add(ref _pendingBytes, message.Size);
            Interlocked.Increment(ref _pendingDeliveries);
        }

        if (!_queue.Writer.TryWrite(frame))
        {
            // The connection is closing: nothing more will be written.
            frame.Message?.Release();
        }
    }

    public void EnqueueMethod<T>(ushort channel, in T method)
        where T : struct, IAmqpMethod<T> =>
        Enqueue(new OutgoingFrame(OutgoingKind.Encoded, channel, Encoded: Encode(channel, method)));

    public static byte[] Encode<T>(ushort channel, in T method)
        where T : struct, IAmqpMethod<T>
    {
        var buffer = new ArrayBufferWriter<byte>(method.ArgumentsSize + 12);
        FrameWriter.WriteMethod(buffer, channel, method);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// basic.cancel from the server (the consumed queue went away). Held while the read loop deletes a queue
    /// (<see cref="HoldServerCancels"/>), so the cancels leave with queue.delete-ok.
    /// </summary>
    public void EnqueueServerCancel(ushort channel, string consumerTag)
    {
        var encoded = Encode(channel, new BasicCancel { ConsumerTag = consumerTag, NoWait = true });
        lock (_holdLock)
        {
            if (_heldCancels is { } held)
            {
                held.Add(encoded);
                return;
            }
        }

        Enqueue(new OutgoingFrame(OutgoingKind.Encoded, channel, Encoded: encoded));
    }

    /// <summary>From now on server cancels wait for <see cref="ReleaseServerCancels"/>.</summary>
    public void HoldServerCancels()
    {
        lock (_holdLock)
        {
            _heldCancels ??= [];
        }
    }

    /// <summary>
    /// Queues <paramref name="reply"/> (if any) and the cancels held since <see cref="HoldServerCancels"/> as one
    /// item, written in one piece: RabbitMQ's queue.delete-ok and the cancels it causes leave together, reply
    /// first, so a client that closes its channel on the cancel is not raced by the reply.
    /// </summary>
    public void ReleaseServerCancels(ushort channel, byte[]? reply)
    {
        List<byte[]> held;
        lock (_holdLock)
        {
            held = _heldCancels ?? [];
            _heldCancels = null;
        }

        if (reply is not null)
        {
            held.Insert(0, reply);
        }

        if (held.Count > 0)
        {
            Enqueue(new OutgoingFrame(OutgoingKind.Encoded, channel, Encoded: held.Count == 1 ? held[0] : [.. held.SelectMany(b => b)]));
        }
    }

    /// <summary>Stops accepting frames; <see cref="RunAsync"/> writes what is queued and returns.</summary>
    public void Complete()
    {
        _queue.Writer.TryComplete();
        _stall.OpenForGood();
    }

    public async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    if (_faulted)
                    {
                        await BeforeFaultedWriteAsync(frame.Kind).ConfigureAwait(false);
                    }

                    Write(frame);
                    if (_output.UnflushedBytes >= FlushThresholdBytes && (await FlushAsync().ConfigureAwait(false)).IsCompleted)
                    {
                        return;
                    }
                }

                WritePendingAck();
                _sentSinceLastCheck = true;
                if ((await FlushAsync().ConfigureAwait(false)).IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            // Whatever could not be sent still holds message references.
            while (reader.TryRead(out var frame))
            {
                frame.Message?.Release();
            }
        }
    }

    /// <summary>Flushes what was written, counting it as one packet sent.</summary>
    private ValueTask<FlushResult> FlushAsync()
    {
        if (_output.UnflushedBytes is var bytes and > 0)
        {
            Traffic.OnSent(bytes);
        }

        return _output.FlushAsync();
    }

    private void Write(in OutgoingFrame frame)
    {
        if (frame.Kind == OutgoingKind.PublisherAck)
        {
            CoalesceAck(frame.Channel, frame.DeliveryTag);
            return;
        }

        WritePendingAck();
        if (Recording is { IsOn: true } recording)
        {
            Record(recording, frame);
        }

        WriteFrame(frame);
        if (frame.Message is { } message)
        {
            WriteContent(frame.Channel, message);
            message.Release();
            OnDeliveryWritten(message.Size);
        }
    }

    /// <summary>The frame itself: its method, or a heartbeat (a delivery's content follows in <see cref="Write"/>).</summary>
    private void WriteFrame(in OutgoingFrame frame)
    {
        switch (frame.Kind)
        {
            case OutgoingKind.Encoded:
                _output.Write(frame.Encoded);
                break;
            case OutgoingKind.Deliver:
                FrameWriter.WriteMethod(_output, frame.Channel, new BasicDeliver
                {
                    ConsumerTag = frame.ConsumerTag!,
                    DeliveryTag = frame.DeliveryTag,
                    Redelivered = frame.Redelivered,
                    Exchange = frame.Message!.Exchange,
                    RoutingKey = frame.Message.RoutingKey,
                });
                break;
            case OutgoingKind.GetOk:
                FrameWriter.WriteMethod(_output, frame.Channel, new BasicGetOk
                {
                    DeliveryTag = frame.DeliveryTag,
                    Redelivered = frame.Redelivered,
                    Exchange = frame.Message!.Exchange,
                    RoutingKey = frame.Message.RoutingKey,
                    MessageCount = frame.MessageCount,
                });
                break;
            case OutgoingKind.Heartbeat:
                FrameWriter.WriteHeartbeat(_output);
                break;
            case OutgoingKind.PublisherNack:
                FrameWriter.WriteMethod(_output, frame.Channel, new BasicNack { DeliveryTag = frame.DeliveryTag });
                break;
        }
    }

    /// <summary>
    /// Consecutive confirms on one channel become a single basic.ack with multiple = true for the highest
    /// tag, written when anything else is written or the batch ends.
    /// </summary>
    private void CoalesceAck(ushort channel, ulong deliveryTag)
    {
        if (_pendingAck.Count > 0 && (_pendingAck.Channel != channel || deliveryTag != _pendingAck.DeliveryTag + 1))
        {
            WritePendingAck();
        }

        _pendingAck = new PendingAck(channel, deliveryTag, _pendingAck.Count + 1);
    }

    private void WritePendingAck()
    {
        if (_pendingAck.Count > 0)
        {
            FrameWriter.WriteMethod(_output, _pendingAck.Channel, new BasicAck { DeliveryTag = _pendingAck.DeliveryTag, Multiple = _pendingAck.Count > 1 });
            if (Recording is { IsOn: true } recording)
            {
                recording.SentConfirm(_pendingAck.Channel, _pendingAck.DeliveryTag, _pendingAck.Count > 1, ack: true);
            }

            _pendingAck = default;
        }
    }

    private static void Record(ConnectionRecording recording, in OutgoingFrame frame)
    {
        switch (frame.Kind)
        {
            case OutgoingKind.Encoded:
                recording.SentEncoded(frame.Encoded, frame.Message);
                break;
            case OutgoingKind.Deliver:
                recording.SentDelivery(frame.Channel, frame.ConsumerTag, frame.DeliveryTag, frame.Redelivered, frame.Message!);
                break;
            case OutgoingKind.GetOk:
                recording.SentDelivery(frame.Channel, consumerTag: null, frame.DeliveryTag, frame.Redelivered, frame.Message!, frame.MessageCount);
                break;
            case OutgoingKind.Heartbeat:
                recording.SentHeartbeat();
                break;
            case OutgoingKind.PublisherNack:
                recording.SentConfirm(frame.Channel, frame.DeliveryTag, multiple: false, ack: false);
                break;
        }
    }

    private readonly record struct PendingAck(ushort Channel, ulong DeliveryTag, int Count);

    private void WriteContent(ushort channel, Message message)
    {
        FrameWriter.WriteContentHeader(_output, channel, (ulong)message.BodySize, message.Properties);
        FrameWriter.WriteBody(_output, channel, message.Body, FrameMax);
    }

    private void OnDeliveryWritten(int size)
    {
        Interlocked.Decrement(ref _pendingDeliveries);
        var pending = Interlocked.Add(ref _pendingBytes, -size);
        if (pending < LowWatermarkBytes && Volatile.Read(ref _refusedDeliveries) == 1
            && Interlocked.Exchange(ref _refusedDeliveries, 0) == 1)
        {
            Writable?.Invoke();
        }
    }

    /// <summary>A test fault: nothing is written for <paramref name="duration"/>; what is queued meanwhile waits.</summary>
    public void Stall(TimeSpan duration)
    {
        _stall.StallFor(duration);
        _faulted = true;
    }

    /// <summary>A test fault: every basic.deliver waits <paramref name="delay"/> before it is written; zero ends it.</summary>
    public void DelayDeliveries(TimeSpan delay)
    {
        Volatile.Write(ref _deliveryDelayTicks, delay.Ticks);
        _faulted = true;
    }

    /// <summary>Waits out a stall, and before a delivery the delivery delay (after sending what came before it).</summary>
    private async Task BeforeFaultedWriteAsync(OutgoingKind kind)
    {
        await _stall.WaitAsync().ConfigureAwait(false);
        if (kind == OutgoingKind.Deliver && Volatile.Read(ref _deliveryDelayTicks) is var delay and > 0)
        {
            await FlushAsync().ConfigureAwait(false);
            await _stall.DelayAsync(TimeSpan.FromTicks(delay)).ConfigureAwait(false);
        }
    }
}
