namespace AmqpBroker.Management.Statistics;

/// <summary>
/// The broker-wide samples of the last ten minutes (one every <see cref="RateSampler.Interval"/>), for
/// RabbitMQ's <c>lengths_age</c>/<c>msg_rates_age</c> history on /api/overview. Only the broker's totals are
/// kept: history for every queue would cost memory in proportion to the number of queues.
/// </summary>
internal sealed class SampleHistory
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();
    private readonly Queue<(DateTimeOffset At, long[] Values)> _samples = new();

    public void Add(DateTimeOffset at, long[] values)
    {
        lock (_lock)
        {
            _samples.Enqueue((at, values));
            while (_samples.Count > 0 && _samples.Peek().At < at - Retention)
            {
                _samples.Dequeue();
            }
        }
    }

    /// <summary>Forgets every sample (DELETE /api/reset).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _samples.Clear();
        }
    }

    /// <summary>
    /// The samples of one value (read from a sample's values) no older than <paramref name="age"/>, at least <paramref name="increment"/>
    /// apart, newest first as RabbitMQ lists them.
    /// </summary>
    public List<(DateTimeOffset At, long Value)> Samples(Func<long[], long> value, TimeSpan age, TimeSpan increment)
    {
        List<(DateTimeOffset At, long Value)> result = [];
        lock (_lock)
        {
            foreach (var (at, values) in _samples.Reverse())
            {
                if (result.Count > 0 && at < result[0].At - age)
                {
                    break;
                }

                if (result.Count == 0 || result[^1].At - at >= increment)
                {
                    result.Add((at, value(values)));
                }
            }
        }

        return result;
    }
}
