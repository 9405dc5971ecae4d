using System.Diagnostics;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>What one publisher did before the kill: when each publish started, and which the broker confirmed.</summary>
internal sealed record CrashPublished(
    string Name,
    IReadOnlyDictionary<string, long> StartedAt,
    IReadOnlySet<string> Confirmed,
    long ConfirmHorizon,
    int Nacked,
    IReadOnlyList<string> Anomalies);

/// <summary>
/// One confirm-mode channel publishing uniquely numbered persistent messages to the test queue with a window of
/// unconfirmed ones, as a real publisher does. It notes the time before each publish starts, so that a
/// confirm tells not only that this message is on disk but also that everything the broker logged before
/// that moment is (see <see cref="ConfirmHorizon"/>).
/// </summary>
internal sealed class CrashPublisher : IDisposable
{
    private const int Window = 256;

    private readonly IChannel _channel;
    private readonly string _queue;
    private readonly SemaphoreSlim _window = new(Window, Window);
    private readonly Lock _lock = new();

    // Index = publish sequence number - 1: one task publishes, so the broker's numbering matches ours.
    private readonly List<(string Id, long StartedAt)> _published = [];
    private readonly List<Outcome> _outcomes = [];
    private readonly HashSet<string> _confirmed = [];
    private readonly List<string> _anomalies = [];
    private int _lowestPending;
    private int _nacked;
    private long _confirmHorizon;

    private CrashPublisher(IChannel channel, string name, string queue)
    {
        _channel = channel;
        _queue = queue;
        Name = name;
        channel.BasicAcksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, Outcome.Acked);
        channel.BasicNacksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, Outcome.Nacked);
    }

    private enum Outcome : byte
    {
        Pending,
        Acked,
        Nacked,
    }

    public string Name { get; }

    public IChannel Channel => _channel;

    /// <summary>The start time of the latest publish the broker confirmed; 0 before the first confirm.</summary>
    public long ConfirmHorizon => Interlocked.Read(ref _confirmHorizon);

    /// <summary>The first exception that ended publishing, with when it happened.</summary>
    public (long At, Exception Error)? Fault { get; private set; }

    public static async Task<CrashPublisher> OpenAsync(IConnection connection, string name, string queue)
    {
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false));
        return new CrashPublisher(channel, name, queue);
    }

    /// <summary>Publishes until <paramref name="stop"/> or until the connection dies with the broker.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            for (var number = 1L; ; number++)
            {
                await _window.WaitAsync(stop);
                var id = CrashMessage.Id(Name, number);
                lock (_lock)
                {
                    // Counted as sent before the frame leaves: a publish cut short by the kill may still have arrived.
                    _published.Add((id, Stopwatch.GetTimestamp()));
                    _outcomes.Add(Outcome.Pending);
                }

                await _channel.BasicPublishAsync(string.Empty, _queue, mandatory: false, CrashMessage.Properties(id), CrashMessage.Body(id), stop);
            }
        }
        catch (Exception ex)
        {
            Fault ??= (Stopwatch.GetTimestamp(), ex);
        }
    }

    public CrashPublished Snapshot()
    {
        lock (_lock)
        {
            return new CrashPublished(
                Name,
                _published.ToDictionary(p => p.Id, p => p.StartedAt),
                _confirmed.ToHashSet(),
                _confirmHorizon,
                _nacked,
                [.. _anomalies]);
        }
    }

    public void Dispose()
    {
        _channel.Dispose();
        _window.Dispose();
    }

    private Task Settle(ulong deliveryTag, bool multiple, Outcome outcome)
    {
        var freed = 0;
        lock (_lock)
        {
            if (deliveryTag == 0 || deliveryTag > (ulong)_published.Count)
            {
                _anomalies.Add($"{Name}: {outcome} for sequence number {deliveryTag}, but only {_published.Count} were published");
                return Task.CompletedTask;
            }

            var last = (int)deliveryTag - 1;
            if (!multiple && _outcomes[last] != Outcome.Pending)
            {
                _anomalies.Add($"{Name}: {outcome} for sequence number {deliveryTag}, which was already {_outcomes[last]}");
            }

            for (var index = multiple ? _lowestPending : last; index <= last; index++)
            {
                if (_outcomes[index] != Outcome.Pending)
                {
                    continue;
                }

                _outcomes[index] = outcome;
                freed++;
                if (outcome == Outcome.Acked)
                {
                    _confirmed.Add(_published[index].Id);
                    _confirmHorizon = Math.Max(_confirmHorizon, _published[index].StartedAt);
                }
                else
                {
                    _nacked++;
                }
            }

            while (_lowestPending < _outcomes.Count && _outcomes[_lowestPending] != Outcome.Pending)
            {
                _lowestPending++;
            }
        }

        if (freed > 0)
        {
            _window.Release(freed);
        }

        return Task.CompletedTask;
    }
}
