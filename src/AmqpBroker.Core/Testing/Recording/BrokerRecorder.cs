using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Testing.Recording;

/// <summary>
/// A record of what happened, for tests (opt-in: <see cref="Start"/>): every AMQP command on every connection and
/// channel, with properties, headers and body and a timestamp, plus what no frame shows (messages dead-lettered).
/// It answers questions (published to an exchange with a routing key, delivered from a queue, acked, nacked,
/// requeued, returned, dead-lettered), waits for a command without sleeping (<see cref="WaitForAsync"/>), and
/// exports itself as a text trace (<see cref="RecordingText"/>) and as JSON (<see cref="RecordingJson"/>).
/// Commands are recorded where they cross the wire, so the record is what the client saw and sent; the oldest
/// go once <see cref="Capacity"/> is reached.
/// </summary>
public sealed class BrokerRecorder
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<RecordedCommand> _commands = [];
    private readonly List<(Func<RecordedCommand, bool> Predicate, TaskCompletionSource<RecordedCommand> Found)> _waiters = [];
    private volatile bool _recording;
    private long _sequence;

    internal BrokerRecorder(TimeProvider time)
    {
        _time = time;
    }

    public bool IsRecording => _recording;

    /// <summary>Commands kept at most; past it the oldest tenth is dropped.</summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>Everything recorded so far, oldest first.</summary>
    public IReadOnlyList<RecordedCommand> Commands
    {
        get
        {
            lock (_lock)
            {
                return [.. _commands];
            }
        }
    }

    internal DateTimeOffset Now => _time.GetUtcNow();

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    /// <summary>Forgets what was recorded (a test's own record starts clean); recording goes on if it was on.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _commands.Clear();
        }
    }

    /// <summary>The recording the server feeds for one connection, named by its addresses.</summary>
    public ConnectionRecording ForConnection(string connection) => new(this, connection);

    public IReadOnlyList<RecordedCommand> Where(Func<RecordedCommand, bool> predicate)
    {
        lock (_lock)
        {
            return [.. _commands.Where(predicate)];
        }
    }

    /// <summary>basic.publish commands from clients, to <paramref name="exchange"/> with <paramref name="routingKey"/> where given.</summary>
    public IReadOnlyList<RecordedCommand> Published(string? exchange = null, string? routingKey = null, Func<RecordedCommand, bool>? where = null) =>
        Where(c => c.Method == "basic.publish" && Matches(c, exchange, routingKey, where));

    /// <summary>basic.deliver and basic.get-ok commands to clients, from <paramref name="queue"/> and to <paramref name="consumerTag"/> where given.</summary>
    public IReadOnlyList<RecordedCommand> Delivered(string? queue = null, string? consumerTag = null, Func<RecordedCommand, bool>? where = null) =>
        Where(c => c.Method is "basic.deliver" or "basic.get-ok" && (queue is null || c.Queue == queue)
            && (consumerTag is null || c.ConsumerTag == consumerTag) && (where is null || where(c)));

    /// <summary>Deliveries the client acked.</summary>
    public IReadOnlyList<RecordedCommand> Acked(string? queue = null) => [.. Delivered(queue).Where(c => c.WasAcked)];

    /// <summary>Deliveries the client nacked or rejected without requeue.</summary>
    public IReadOnlyList<RecordedCommand> Nacked(string? queue = null) => [.. Delivered(queue).Where(c => c.WasNacked)];

    /// <summary>Deliveries the client nacked or rejected with requeue.</summary>
    public IReadOnlyList<RecordedCommand> Requeued(string? queue = null) => [.. Delivered(queue).Where(c => c.WasRequeued)];

    /// <summary>basic.return commands (mandatory messages that reached no queue).</summary>
    public IReadOnlyList<RecordedCommand> Returned(string? exchange = null, string? routingKey = null) =>
        Where(c => c.Method == "basic.return" && Matches(c, exchange, routingKey, null));

    /// <summary>Messages the broker dead-lettered from <paramref name="queue"/> where given (arguments: queue, reason, dead-letter-exchange).</summary>
    public IReadOnlyList<RecordedCommand> DeadLettered(string? queue = null) =>
        Where(c => c.Method == RecordedCommand.DeadLetteredMethod && (queue is null || c.Queue == queue));

    /// <summary>
    /// The first command (recorded already, or from now on, or answered later: acked, confirmed) that satisfies
    /// <paramref name="predicate"/>. Throws <see cref="TimeoutException"/>, with the end of the trace, when none does in time.
    /// </summary>
    public async Task<RecordedCommand> WaitForAsync(Func<RecordedCommand, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var found = new TaskCompletionSource<RecordedCommand>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_commands.Find(c => predicate(c)) is { } already)
            {
                return already;
            }

            _waiters.Add((predicate, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no recorded command matched within {timeout}; the last ones:{Environment.NewLine}{RecordingText.Write(Last(20))}");
        }
        finally
        {
            lock (_lock)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }
        }
    }

    /// <summary>A message the broker dead-lettered from <paramref name="queue"/> to <paramref name="deadLetterExchange"/>.</summary>
    internal void RecordDeadLettered(Queue queue, Message message, DeadLetterReason reason, string deadLetterExchange)
    {
        Add(new RecordedCommand
        {
            Timestamp = Now,
            Direction = RecordedDirection.InBroker,
            VirtualHost = queue.Definition.VirtualHost,
            Method = RecordedCommand.DeadLetteredMethod,
            Queue = queue.Name,
            Arguments = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["queue"] = queue.Name,
                ["reason"] = DeadLetterReasons.Name(reason),
                ["dead-letter-exchange"] = deadLetterExchange,
                ["routing-key"] = message.RoutingKey,
            },
            Properties = BasicProperties.Decode(message.Properties),
            Body = message.Body.ToArray(),
            BodyFrames = [message.BodySize],
        });
    }

    internal void Add(RecordedCommand command)
    {
        lock (_lock)
        {
            command.Sequence = ++_sequence;
            if (_commands.Count >= Capacity)
            {
                _commands.RemoveRange(0, Math.Max(1, Capacity / 10));
            }

            _commands.Add(command);
            Notify(command);
        }
    }

    /// <summary>An earlier command was answered (settled, confirmed): waits may now match it.</summary>
    internal void Changed(RecordedCommand command)
    {
        lock (_lock)
        {
            Notify(command);
        }
    }

    private void Notify(RecordedCommand command)
    {
        foreach (var (predicate, found) in _waiters)
        {
            if (!found.Task.IsCompleted && predicate(command))
            {
                found.TrySetResult(command);
            }
        }
    }

    private List<RecordedCommand> Last(int count)
    {
        lock (_lock)
        {
            return _commands.GetRange(Math.Max(0, _commands.Count - count), Math.Min(count, _commands.Count));
        }
    }

    private static bool Matches(RecordedCommand command, string? exchange, string? routingKey, Func<RecordedCommand, bool>? where) =>
        (exchange is null || command.Exchange == exchange) && (routingKey is null || command.RoutingKey == routingKey) && (where is null || where(command));
}
