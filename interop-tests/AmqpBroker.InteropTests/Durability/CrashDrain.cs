namespace AmqpBroker.InteropTests.Durability;

/// <summary>What the restarted broker handed out: every message of the queue, and what was wrong with any of them.</summary>
internal sealed record CrashRecovered(uint CountAtStart, IReadOnlyList<(string Id, bool Redelivered)> Messages, IReadOnlyList<string> Defects);

/// <summary>
/// Empties the test queue after the restart with an auto-ack consumer. The queue's message count at the
/// start says how many to wait for; anything delivered before the cancel is collected too.
/// </summary>
internal sealed class CrashDrain : AsyncDefaultBasicConsumer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly uint _expected;
    private readonly Lock _lock = new();
    private readonly List<(string Id, bool Redelivered)> _messages = [];
    private readonly List<string> _defects = [];
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CrashDrain(IChannel channel, uint expected)
        : base(channel)
    {
        _expected = expected;
        if (expected == 0)
        {
            _all.SetResult();
        }
    }

    public static async Task<CrashRecovered> DrainAsync(int port, string queue, TimeSpan deadline)
    {
        await using var connection = await Factory(port).CreateConnectionAsync("crash-drain");
        await using var channel = await connection.CreateChannelAsync();
        uint count;
        try
        {
            count = (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException e)
        {
            Assert.Fail($"the durable queue {queue} did not survive the restart: {e.Message}");
            throw;
        }

        var drain = new CrashDrain(channel, count);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, drain);
        try
        {
            await drain._all.Task.WaitAsync(deadline);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{queue} held {count} messages at the restart, but only {drain.Received} were delivered within {deadline.TotalSeconds:0} s");
        }

        await channel.BasicCancelAsync(tag);
        var left = (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        lock (drain._lock)
        {
            if (left != 0)
            {
                drain._defects.Add($"{left} messages were still ready after {count} were drained");
            }

            return new CrashRecovered(count, [.. drain._messages], [.. drain._defects]);
        }
    }

    /// <summary>Deletes the queue of a cycle that passed, so its log does not weigh on later restarts.</summary>
    public static async Task DeleteQueueAsync(int port, string queue)
    {
        await using var connection = await Factory(port).CreateConnectionAsync("crash-cleanup");
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(queue);
    }

    private static ConnectionFactory Factory(int port) => new()
    {
        HostName = "127.0.0.1",
        Port = port,
        AutomaticRecoveryEnabled = false,
        RequestedConnectionTimeout = Timeout,
        ContinuationTimeout = Timeout,
    };

    private int Received
    {
        get
        {
            lock (_lock)
            {
                return _messages.Count + _defects.Count;
            }
        }
    }

    public override Task HandleBasicDeliverAsync(
        string consumerTag,
        ulong deliveryTag,
        bool redelivered,
        string exchange,
        string routingKey,
        IReadOnlyBasicProperties properties,
        ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken = default)
    {
        var defect = CrashMessage.Defect(properties, body.Span);
        lock (_lock)
        {
            if (defect is null)
            {
                _messages.Add((properties.MessageId!, redelivered));
            }
            else
            {
                _defects.Add($"after the restart: {defect}");
            }

            if (_messages.Count + _defects.Count == _expected)
            {
                _all.TrySetResult();
            }
        }

        return Task.CompletedTask;
    }
}
