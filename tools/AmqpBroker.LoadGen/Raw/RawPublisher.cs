using System.Buffers.Binary;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.LoadGen.Raw;

/// <summary>
/// Publishes pre-encoded messages in large writes on a bare socket, so that the broker, not a client library,
/// is what is measured. With confirms it keeps at most --max-inflight unconfirmed, as the client publisher does.
/// </summary>
internal sealed class RawPublisher : ILoadPublisher
{
    private readonly RawConnection _connection;
    private readonly PublishBatch _batch;
    private readonly ConfirmWindow? _confirms;
    private readonly FaultSignal _faults;
    private readonly long _count;
    private readonly CancellationTokenSource _stopReading = new();
    private readonly Task _reading;
    private long _sent;
    private int _disposed;

    private RawPublisher(RawConnection connection, LoadGenOptions options, string routingKey, int index, FaultSignal faults)
    {
        _connection = connection;
        _confirms = options.Confirm ? new ConfirmWindow(options.MaxInflight) : null;
        _batch = new PublishBatch(routingKey, options.Size, options.Persistent, connection.FrameMax, options.Confirm ? options.MaxInflight : 10_000);
        _faults = faults;
        _count = options.Count;
        Name = $"loadgen-raw-publisher-{index}";
        _reading = connection.ReadLoopAsync(OnFrame, static () => ValueTask.CompletedTask, _stopReading.Token);
    }

    public string Name { get; }

    public long Sent => Interlocked.Read(ref _sent);

    public long Confirmed => _confirms?.Acked ?? 0;

    public long Nacked => _confirms?.Nacked ?? 0;

    public long UnexpectedConfirms => _confirms?.Unexpected ?? 0;

    public static async Task<RawPublisher> StartAsync(LoadGenOptions options, int index, string routingKey, FaultSignal faults, CancellationToken cancellationToken)
    {
        var connection = await RawConnection.OpenAsync(options.Uri, $"loadgen-raw-publisher-{index}", cancellationToken).ConfigureAwait(false);
        if (options.Confirm)
        {
            await connection.CallAsync<ConfirmSelect, ConfirmSelectOk>(new ConfirmSelect(), cancellationToken).ConfigureAwait(false);
        }

        return new RawPublisher(connection, options, routingKey, index, faults);
    }

    public async Task RunAsync(CancellationToken window)
    {
        try
        {
            while (!window.IsCancellationRequested && (_count == 0 || _sent < _count))
            {
                var messages = (int)Math.Min(_batch.Count, _count == 0 ? long.MaxValue : _count - _sent);
                if (_confirms is not null)
                {
                    for (var i = 0; i < messages; i++)
                    {
                        await _confirms.TakeSlotAsync(window).ConfigureAwait(false);
                    }
                }

                await _connection.SendAsync(_batch.Take(messages), window).ConfigureAwait(false);
                Interlocked.Add(ref _sent, messages);
            }

            if (_confirms is not null && !window.IsCancellationRequested)
            {
                await _confirms.WaitUntilSettledAsync(window).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            // The window closed while waiting for a slot or the socket.
        }
        catch (Exception ex) when (!window.IsCancellationRequested)
        {
            _faults.Raise($"{Name}: publish failed: {ex.Message}");
        }
    }

    /// <summary>Closes the connection and ends the read loop; the run disposes workers more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _connection.CloseAfterReadingAsync(_stopReading, _reading).ConfigureAwait(false);

        _confirms?.Dispose();
    }

    private void OnFrame(byte type, ushort channel, ReadOnlySpan<byte> payload)
    {
        if (type != (byte)FrameType.Method)
        {
            return;
        }

        switch (RawConnection.CommandOf(payload))
        {
            case CommandIds.BasicAck:
                _confirms?.Settle(BinaryPrimitives.ReadUInt64BigEndian(payload[4..]), (payload[12] & 1) != 0, ack: true);
                break;
            case CommandIds.BasicNack:
                _confirms?.Settle(BinaryPrimitives.ReadUInt64BigEndian(payload[4..]), (payload[12] & 1) != 0, ack: false);
                break;
            case CommandIds.ChannelClose or CommandIds.ConnectionClose:
                _faults.Raise($"{Name}: closed by the broker: {RawReplies.CloseText(payload)}");
                break;
        }
    }
}
