using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.LoadGen.Raw;

/// <summary>
/// Consumes on a bare socket and counts deliveries straight off the frames, allocating nothing per message; the
/// acks a read produces go out in one write. The latency stamp is read from the first body frame of each message.
/// </summary>
internal sealed class RawConsumer : ILoadConsumer
{
    private readonly RawConnection _connection;
    private readonly bool _manualAck;
    private readonly int _ackEvery;
    private readonly FaultSignal _faults;
    private readonly CancellationToken _window;
    private readonly CancellationTokenSource _stopReading = new();
    private readonly ArrayBufferWriter<byte> _acks = new();
    private readonly Task _reading;
    private long _received;
    private int _disposed;
    private int _unacked;
    private ulong _lastTag;
    private bool _awaitingFirstBody;

    private RawConsumer(RawConnection connection, LoadGenOptions options, int index, FaultSignal faults, CancellationToken window)
    {
        _connection = connection;
        _manualAck = options.Ack == AckMode.Manual;
        _ackEvery = options.MultipleAck;
        _faults = faults;
        _window = window;
        Name = $"loadgen-raw-consumer-{index}";
        _reading = connection.ReadLoopAsync(OnFrame, SendAcksAsync, _stopReading.Token);
    }

    public string Name { get; }

    public long Received => Interlocked.Read(ref _received);

    public LatencyHistogram Latency { get; } = new();

    public static async Task<RawConsumer> StartAsync(
        LoadGenOptions options, int index, string queue, FaultSignal faults, CancellationToken window, CancellationToken cancellationToken)
    {
        var connection = await RawConnection.OpenAsync(options.Uri, $"loadgen-raw-consumer-{index}", cancellationToken).ConfigureAwait(false);
        if (options.Prefetch > 0)
        {
            await connection.CallAsync<BasicQos, BasicQosOk>(new BasicQos { PrefetchCount = options.Prefetch }, cancellationToken).ConfigureAwait(false);
        }

        await connection.CallAsync<BasicConsume, BasicConsumeOk>(
            new BasicConsume { Queue = queue, NoAck = options.Ack == AckMode.Auto }, cancellationToken).ConfigureAwait(false);
        return new RawConsumer(connection, options, index, faults, window);
    }

    /// <summary>Closes the connection and ends the read loop; the run disposes workers more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _connection.CloseAfterReadingAsync(_stopReading, _reading).ConfigureAwait(false);
    }

    private void OnFrame(byte type, ushort channel, ReadOnlySpan<byte> payload)
    {
        switch ((FrameType)type)
        {
            case FrameType.Method:
                OnMethod(payload);
                break;
            case FrameType.Body when _awaitingFirstBody:
                _awaitingFirstBody = false;
                if (payload.Length >= SendStamp.Length && !_window.IsCancellationRequested)
                {
                    Latency.Record(SendStamp.MicrosecondsSince(payload));
                }

                break;
        }
    }

    private void OnMethod(ReadOnlySpan<byte> payload)
    {
        switch (RawConnection.CommandOf(payload))
        {
            case CommandIds.BasicDeliver:
                // After the window nothing is counted or acked, as the client consumer does.
                if (_window.IsCancellationRequested)
                {
                    return;
                }

                _awaitingFirstBody = true;
                Interlocked.Increment(ref _received);
                var tagLength = payload[4];
                _lastTag = BinaryPrimitives.ReadUInt64BigEndian(payload[(5 + tagLength)..]);
                if (_manualAck && ++_unacked == _ackEvery)
                {
                    _unacked = 0;
                    FrameWriter.WriteMethod(_acks, RawConnection.Channel, new BasicAck { DeliveryTag = _lastTag, Multiple = _ackEvery > 1 });
                }

                break;
            case CommandIds.ChannelClose or CommandIds.ConnectionClose:
                _faults.Raise($"{Name}: closed by the broker: {RawReplies.CloseText(payload)}");
                break;
        }
    }

    private async ValueTask SendAcksAsync()
    {
        if (_acks.WrittenCount == 0)
        {
            return;
        }

        await _connection.SendAsync(_acks.WrittenMemory, _stopReading.Token).ConfigureAwait(false);
        _acks.ResetWrittenCount();
    }
}
