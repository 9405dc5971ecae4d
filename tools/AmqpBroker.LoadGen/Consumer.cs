using RabbitMQ.Client;

namespace AmqpBroker.LoadGen;

/// <summary>
/// Counts deliveries, records their end-to-end latency and acks as configured, all while the window is open.
/// The client dispatches one delivery at a time per channel, so the counters and histogram have a single writer.
/// </summary>
internal sealed class Consumer : AsyncDefaultBasicConsumer, ILoadConsumer
{
    private readonly AmqpSession _session;
    private readonly bool _manualAck;
    private readonly int _ackEvery;
    private readonly CancellationToken _window;
    private long _received;
    private int _unacked;

    private Consumer(AmqpSession session, LoadGenOptions options, CancellationToken window)
        : base(session.Channel)
    {
        _session = session;
        _manualAck = options.Ack == AckMode.Manual;
        _ackEvery = options.MultipleAck;
        _window = window;
    }

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Read only once the window has closed and the consumer is disposed: it has a single, unsynchronised writer.</summary>
    public LatencyHistogram Latency { get; } = new();

    public static async Task<Consumer> StartAsync(
        ConnectionFactory factory, LoadGenOptions options, int index, string queue, FaultSignal faults, CancellationToken window, CancellationToken cancellationToken)
    {
        var session = await AmqpSession.OpenAsync(factory, $"loadgen-consumer-{index}", null, faults, cancellationToken).ConfigureAwait(false);
        if (options.Prefetch > 0)
        {
            await session.Channel.BasicQosAsync(0, options.Prefetch, global: false, cancellationToken).ConfigureAwait(false);
        }
        var consumer = new Consumer(session, options, window);
        await session.Channel.BasicConsumeAsync(queue, autoAck: options.Ack == AckMode.Auto, consumer, cancellationToken).ConfigureAwait(false);
        return consumer;
    }

    public override async Task HandleBasicDeliverAsync(
        string consumerTag,
        ulong deliveryTag,
        bool redelivered,
        string exchange,
        string routingKey,
        IReadOnlyBasicProperties properties,
        ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken = default)
    {
        // After the window nothing is measured, and acks are skipped too: the queue is about to be deleted, and
        // acking a backlog that is still streaming in only delays the close handshake behind it.
        if (_window.IsCancellationRequested)
        {
            return;
        }
        Interlocked.Increment(ref _received);
        if (body.Length >= SendStamp.Length)
        {
            Latency.Record(SendStamp.MicrosecondsSince(body.Span));
        }
        if (_manualAck && ++_unacked == _ackEvery)
        {
            _unacked = 0;
            await Channel.BasicAckAsync(deliveryTag, multiple: _ackEvery > 1, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
