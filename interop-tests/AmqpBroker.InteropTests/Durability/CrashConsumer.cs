using System.Diagnostics;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>What the consumer did before the kill: when it received each message and when each ack left.</summary>
internal sealed record CrashConsumed(
    IReadOnlyDictionary<string, long> ReceivedAt,
    IReadOnlySet<string> AckAttempted,
    IReadOnlyDictionary<string, long> AckedAt,
    IReadOnlyList<string> Anomalies);

/// <summary>
/// A manual-ack consumer (a <see cref="CollectingConsumer"/> that hands each delivery to it) that acks most
/// deliveries and keeps a random few unacked for good, so that at the kill the queue holds acked,
/// delivered-but-unacked and never-delivered messages. It notes when each delivery arrived and when each ack
/// was handed to the connection.
/// </summary>
internal sealed class CrashConsumer
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
    {
        Channel = channel;
        _keep = new Random(seed);
    }

    public IChannel Channel { get; }

    /// <summary>When the first delivery kept unacked arrived; 0 before there is one.</summary>
    public long FirstKeptAt => Interlocked.Read(ref _firstKeptAt);

    /// <summary>When the first ack was handed to the connection; 0 before there is one.</summary>
    public long FirstAckedAt => Interlocked.Read(ref _firstAckedAt);

    /// <summary>The first exception an ack threw, with when it happened.</summary>
    public (long At, Exception Error)? Fault { get; private set; }

    public static async Task<CrashConsumer> StartAsync(IConnection connection, string queue, int seed)
    {
        var channel = await connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, Prefetch, global: false);
        var consumer = new CrashConsumer(channel, seed);
        await channel.BasicConsumeAsync(queue, autoAck: false, new CollectingConsumer(channel, consumer.HandleAsync));
        return consumer;
    }

    public CrashConsumed Snapshot()
    {
        lock (_lock)
        {
            return new CrashConsumed(new Dictionary<string, long>(_receivedAt), _ackAttempted.ToHashSet(), new Dictionary<string, long>(_ackedAt), [.. _anomalies]);
        }
    }

    private async Task HandleAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        var defect = CrashMessage.Defect(delivery.Properties, delivery.Body);
        bool keep;
        lock (_lock)
        {
            if (defect is not null)
            {
                _anomalies.Add($"delivered before the kill: {defect}");
                return;
            }

            var id = delivery.Properties.MessageId!;
            if (!_receivedAt.TryAdd(id, receivedAt))
            {
                _anomalies.Add($"{id} was delivered twice before the kill, though nothing was requeued");
                return;
            }

            if (delivery.Redelivered)
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
            await Channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
            var ackedAt = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                _ackedAt[delivery.Properties.MessageId!] = ackedAt;
                _firstAckedAt = _firstAckedAt == 0 ? ackedAt : _firstAckedAt;
            }
        }
        catch (Exception ex)
        {
            Fault ??= (Stopwatch.GetTimestamp(), ex);
        }
    }
}
