namespace AmqpBroker.InteropTests.Durability;

/// <summary>Everything the clients saw before the kill, for <see cref="CrashVerdict"/> to hold the recovered queue against.</summary>
internal sealed record CrashBefore(long KilledAt, IReadOnlyList<CrashPublished> Publishers, long AckFence, CrashConsumed Consumed, IReadOnlyList<string> Anomalies);

/// <summary>
/// The traffic of one crash cycle: publishers on connections of their own, and a consumer whose connection
/// also carries a publisher. The broker handles one connection's frames in order, so a confirm for that
/// publisher proves every ack the consumer sent before it on disk: it is the consumer's ack fence.
/// </summary>
internal sealed class CrashLoad : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    private readonly List<IConnection> _connections = [];
    private readonly List<CrashPublisher> _publishers = [];
    private readonly List<Task> _publishing = [];
    private readonly List<string> _anomalies = [];
    private readonly CancellationTokenSource _stop = new();
    private CrashConsumer _consumer = null!;

    private CrashPublisher AckFencePublisher => _publishers[^1];

    /// <summary>Declares the durable queue and starts every publisher and the consumer.</summary>
    public static async Task<CrashLoad> StartAsync(int port, string queue, int publishers, int seed)
    {
        var load = new CrashLoad();
        try
        {
            var consumerConnection = await load.ConnectAsync(port, "crash-consumer");
            await using (var setup = await consumerConnection.CreateChannelAsync())
            {
                await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            }

            load._consumer = await CrashConsumer.StartAsync(consumerConnection, queue, seed);
            load.Watch(load._consumer.Channel, "the consumer's channel");
            for (var i = 1; i <= publishers; i++)
            {
                await load.AddPublisherAsync(await load.ConnectAsync(port, $"crash-publisher-{i}"), $"p{i}", queue);
            }

            await load.AddPublisherAsync(consumerConnection, "c", queue);
            return load;
        }
        catch
        {
            await load.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until every rule of the verdict has something to check: each publisher has a confirm, some kept
    /// delivery arrived before a publish that was confirmed, and some ack left before the ack fence's latest
    /// confirmed publish. Fails the test if that does not happen in time.
    /// </summary>
    public async Task WaitUntilExercisedAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (!IsExercised())
        {
            if (_publishers.FirstOrDefault(p => p.Fault is not null) is { } failed)
            {
                Assert.Fail($"{failed.Name} failed before the kill: {failed.Fault!.Value.Error}");
            }

            try
            {
                await Task.Delay(Poll, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the load did not exercise every rule within {deadline.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>Stops the clients once the broker is dead and collects what they saw; faults before <paramref name="killedAt"/> are anomalies.</summary>
    public async Task<CrashBefore> StopAsync(long killedAt)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_publishing).WaitAsync(Timeout);
        lock (_anomalies)
        {
            foreach (var publisher in _publishers)
            {
                if (publisher.Fault is { } fault && fault.At < killedAt)
                {
                    _anomalies.Add($"{publisher.Name} failed before the kill: {fault.Error.Message}");
                }
            }

            if (_consumer.Fault is { } consumerFault && consumerFault.At < killedAt)
            {
                _anomalies.Add($"an ack failed before the kill: {consumerFault.Error.Message}");
            }

            return new CrashBefore(killedAt, [.. _publishers.Select(p => p.Snapshot())], AckFencePublisher.ConfirmHorizon, _consumer.Snapshot(), [.. _anomalies]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var connection in _connections)
        {
            // The broker is gone: closing would wait for an answer that never comes.
            await connection.AbortAsync(Timeout);
            connection.Dispose();
        }

        foreach (var publisher in _publishers)
        {
            publisher.Dispose();
        }

        _consumer?.Channel.Dispose();
        _stop.Dispose();
    }

    private bool IsExercised()
    {
        var horizon = _publishers.Min(p => p.ConfirmHorizon);
        var firstKept = _consumer.FirstKeptAt;
        var firstAcked = _consumer.FirstAckedAt;
        return horizon != 0
            && firstKept != 0 && firstKept <= _publishers.Max(p => p.ConfirmHorizon)
            && firstAcked != 0 && firstAcked <= AckFencePublisher.ConfirmHorizon;
    }

    private async Task<IConnection> ConnectAsync(int port, string name)
    {
        var connection = await LoopbackFactory.For(port).CreateConnectionAsync(name);
        _connections.Add(connection);
        return connection;
    }

    private async Task AddPublisherAsync(IConnection connection, string name, string queue)
    {
        var publisher = await CrashPublisher.OpenAsync(connection, name, queue);
        _publishers.Add(publisher);
        Watch(publisher.Channel, $"{name}'s channel");
        _publishing.Add(Task.Run(() => publisher.RunAsync(_stop.Token)));
    }

    /// <summary>A close the broker starts (as opposed to the socket dying with it) is an error reply: the broker refused something.</summary>
    private void Watch(IChannel channel, string what) =>
        channel.ChannelShutdownAsync += (_, e) =>
        {
            if (e.Initiator == ShutdownInitiator.Peer)
            {
                lock (_anomalies)
                {
                    _anomalies.Add($"the broker closed {what}: {e.ReplyCode} {e.ReplyText}");
                }
            }

            return Task.CompletedTask;
        };
}
