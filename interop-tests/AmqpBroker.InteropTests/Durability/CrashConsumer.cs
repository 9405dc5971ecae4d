using System.Diagnostics;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>What the consumer did before the kill: when it received each message and when each ack left.</summary>
internal sealed record CrashConsumed(
    IReadOnlyDictionary<string, long> ReceivedAt,
    IReadOnlySet<string> AckAttempted,
    IReadOnlyDictionary<string, long> AckedAt,
    IReadOnlyList<string> Anomalies);

/// <summary>
/// A manual-ack consumer that acks most deliveries and keeps a random few unacked for good, so that at the
/// kill the queue holds acked, delivered-but-unacked and never-delivered messages. It notes when each
/// delivery arrived and when each ack was handed to the connection.
/// </summary>
internal sealed class CrashConsumer : AsyncDefaultBasicConsumer
{
    private const ushort Prefetch = 2000;
    private const int KeepOneIn = 8;

    private readonly Random _keep;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _receivedAt = [];
    private readonly HashSet<string> _ackAttempted = [];
    private readonly Dictionary<string, long> _ackedAt = [];
    private readonly List<string> _anomalies = [];
    private long _firstKeptAt;
    private long _firstAckedAt;

    private CrashConsumer(IChannel channel, int seed)
        : base(channel) => _keep = new Random(seed);

    /// <summary>When the first delivery kept unacked arrived; 0 before there is one.</summary>
    public long FirstKeptAt
    {
        get
        {
            lock (_lock)
            {
                return _firstKeptAt;
            }
        }
    }

    /// <summary>When the first ack was handed to the connection; 0 before there is one.</summary>
    public long FirstAckedAt
    {
        get
        {
            lock (_lock)
            {
                return _firstAckedAt;
            }
        }
    }

    /// <summary>The first exception an ack threw, with when it happened.</summary>
    public (long At, Exception Error)? Fault { get; private set; }

    public static async Task<CrashConsumer> StartAsync(IConnection connection, string queue, int seed)
    {
        var channel = await connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, Prefetch, global: false);
        var consumer = new CrashConsumer(channel, seed);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
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
        var receivedAt = Stopwatch.GetTimestamp();
        var defect = CrashMessage.Defect(properties, body.Span);
        bool keep;
        lock (_lock)
        {
            if (defect is not null)
            {
                _anomalies.Add($"delivered before the kill: {defect}");
                return;
            }

            var id = properties.MessageId!;
            if (!_receivedAt.TryAdd(id, receivedAt))
            {
                _anomalies.Add($"{id} was delivered twice before the kill, though nothing was requeued");
                return;
            }

            if (redelivered)
            {
                _anomalies.Add($"{id} was first delivered with redelivered=true, though nothing was requeued");
            }

            keep = _keep.Next(KeepOneIn) == 0;
            if (keep)
            {
                _firstKeptAt = _firstKeptAt == 0 ? receivedAt : _firstKeptAt;
            }
            else
            {
                // Noted before the ack is sent: an ack cut short by the kill may still have reached the broker.
                _ackAttempted.Add(id);
            }
        }

        if (keep)
        {
            return;
        }

        try
        {
            await Channel.BasicAckAsync(deliveryTag, multiple: false, cancellationToken);
            var ackedAt = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                _ackedAt[properties.MessageId!] = ackedAt;
                _firstAckedAt = _firstAckedAt == 0 ? ackedAt : _firstAckedAt;
            }
        }
        catch (Exception ex)
        {
            Fault ??= (Stopwatch.GetTimestamp(), ex);
        }
    }

    public CrashConsumed Snapshot()
    {
        lock (_lock)
        {
            return new CrashConsumed(new Dictionary<string, long>(_receivedAt), _ackAttempted.ToHashSet(), new Dictionary<string, long>(_ackedAt), [.. _anomalies]);
        }
    }
}
