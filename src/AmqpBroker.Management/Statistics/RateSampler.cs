using System.Runtime.CompilerServices;
using AmqpBroker.Core;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Management.Statistics;

/// <summary>
/// RabbitMQ's <c>*_details.rate</c> figures: every five seconds (RabbitMQ's default collection interval)
/// the counters and queue lengths of the broker, each queue and each channel are sampled, and a rate is
/// the change per second between the last two samples. Samples are keyed weakly by the object they
/// describe, so deleted queues and closed channels are forgotten with them.
/// </summary>
internal sealed class RateSampler : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly ConditionalWeakTable<object, RateWindow> _windows = new();
    private readonly ConditionalWeakTable<object, long[]> _baselines = new();
    private readonly Broker _broker;
    private readonly IDisposable _tick;
    private DateTimeOffset _lastSample = DateTimeOffset.MinValue;

    /// <summary>The broker's totals over the last minutes.</summary>
    public SampleHistory BrokerHistory { get; } = new();

    public RateSampler(Broker broker)
    {
        _broker = broker;
        _tick = broker.Scheduler.Register(now =>
        {
            if (now - _lastSample >= Interval)
            {
                _lastSample = now;
                Sample(now);
            }
        });
    }

    /// <summary>Per-second change of one sampled value of <paramref name="key"/>; 0 until two samples exist.</summary>
    public double Rate(object key, SampledValue value) => _windows.TryGetValue(key, out var window) ? window.Rate((int)value) : 0.0;

    public double Rate(object key, MessageCounter counter) => Rate(key, (SampledValue)(int)counter);

    /// <summary>A counter of <paramref name="key"/> as the API reports it: counted since the last <see cref="Reset"/>.</summary>
    public long Count(object key, MessageCounters counters, MessageCounter counter) =>
        counters[counter] - (_baselines.TryGetValue(key, out var baseline) ? baseline[(int)counter] : 0);

    /// <summary>
    /// Starts the reported statistics afresh, as DELETE /api/reset empties RabbitMQ's management database
    /// (rabbit_mgmt_storage:reset_all): counts of the broker, every queue and every channel from zero, no rates until
    /// two samples are taken again, no history. The broker's own counters, which Prometheus reads, keep counting.
    /// </summary>
    public void Reset()
    {
        Baseline(_broker, _broker.MessageTotals);
        foreach (var queue in _broker.VirtualHosts.SelectMany(v => v.Queues))
        {
            Baseline(queue, queue.Counters);
        }

        foreach (var session in _broker.Connections.SelectMany(c => c.Channels()).Select(channel => channel.Session))
        {
            Baseline(session, session.Counters);
        }

        _windows.Clear();
        BrokerHistory.Clear();
    }

    /// <summary>Takes one sample of everything (the scheduler calls this every <see cref="Interval"/>).</summary>
    internal void Sample(DateTimeOffset now)
    {
        long ready = 0, unacked = 0;
        foreach (var virtualHost in _broker.VirtualHosts)
        {
            foreach (var queue in virtualHost.Queues)
            {
                var (queueReady, queueUnacked) = (queue.ReadyCount, queue.UnackedCount);
                Record(queue, now, queue.Counters, queueReady, queueUnacked);
                ready += queueReady;
                unacked += queueUnacked;
            }
        }

        BrokerHistory.Add(now, Record(_broker, now, _broker.MessageTotals, ready, unacked));
        foreach (var connection in _broker.Connections)
        {
            foreach (var channel in connection.Channels())
            {
                Record(channel.Session, now, channel.Session.Counters, 0, 0);
            }
        }
    }

    public void Dispose() => _tick.Dispose();

    private void Baseline(object key, MessageCounters counters) =>
        _baselines.AddOrUpdate(key, [.. Enum.GetValues<MessageCounter>().Select(counter => counters[counter])]);

    private long[] Record(object key, DateTimeOffset now, MessageCounters counters, long ready, long unacked)
    {
        var values = new long[SampledValues.Count];
        foreach (var counter in Enum.GetValues<MessageCounter>())
        {
            values[(int)counter] = Count(key, counters, counter);
        }

        values[(int)SampledValue.MessagesReady] = ready;
        values[(int)SampledValue.MessagesUnacknowledged] = unacked;
        values[(int)SampledValue.Messages] = ready + unacked;
        _windows.GetValue(key, static _ => new RateWindow()).Add(now, values);
        return values;
    }

    /// <summary>The last two samples of one object.</summary>
    private sealed class RateWindow
    {
        private readonly Lock _lock = new();
        private (DateTimeOffset At, long[] Values)? _previous;
        private (DateTimeOffset At, long[] Values)? _current;

        public void Add(DateTimeOffset at, long[] values)
        {
            lock (_lock)
            {
                _previous = _current;
                _current = (at, values);
            }
        }

        public double Rate(int index)
        {
            lock (_lock)
            {
                if (_previous is not { } previous || _current is not { } current)
                {
                    return 0.0;
                }

                var seconds = (current.At - previous.At).TotalSeconds;
                return seconds <= 0 ? 0.0 : (current.Values[index] - previous.Values[index]) / seconds;
            }
        }
    }
}

/// <summary>What a sample holds: every <see cref="MessageCounter"/> (same positions), then queue lengths.</summary>
internal enum SampledValue
{
    MessagesReady = SampledValues.CounterCount,
    MessagesUnacknowledged,
    Messages,
}

internal static class SampledValues
{
    /// <summary>Ack is the last counter; a counter added after it must move this.</summary>
    public const int CounterCount = (int)MessageCounter.Ack + 1;

    public const int Count = CounterCount + 3;
}
