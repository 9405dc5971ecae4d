using AmqpBroker.InteropTests.Durability;

namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Base of the quorum queue and stream durability fixtures: a data directory per test, in-process brokers on
/// it, and the executable (behaving as RabbitMQ 3.10) started on it to be killed.
/// </summary>
public abstract class QueueTypeRestartFixture : RestartFixture
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    protected static readonly CreateChannelOptions Confirms = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    protected static Task<IConnection> ConnectAsync(int port) =>
        new ConnectionFactory { HostName = "127.0.0.1", Port = port, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();

    private protected async Task<RunningBroker> StartProcessAsync()
    {
        var process = BrokerProcess.Start(["--port", "0", "--management-port", "-1", "--bind", "127.0.0.1", "--data-dir", DataDirectory, "--rabbitmq-version", "3.10"], [], DataDirectory);
        return new RunningBroker(process, (await process.WaitForReadyAsync(Deadline)).Port);
    }

    /// <summary>
    /// Starts the executable, declares <paramref name="queue"/> with <paramref name="arguments"/>, publishes
    /// <paramref name="count"/> transient messages ("0", "1", …) waiting for each confirm, and SIGKILLs it; then starts it
    /// again on the same data and gives back the bodies <paramref name="read"/> takes from the queue.
    /// </summary>
    private protected async Task<IEnumerable<string>> PublishConfirmedThenKillAsync(
        string queue, IDictionary<string, object?> arguments, int count, Func<IChannel, Task<IEnumerable<string>>> read)
    {
        await using (var broker = await StartProcessAsync())
        {
            await using var connection = await ConnectAsync(broker.Port);
            await using var channel = await connection.CreateChannelAsync(Confirms);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments);
            for (var i = 0; i < count; i++)
            {
                await PublishAsync(channel, queue, $"{i}", persistent: false);
            }

            await broker.Process.KillAsync(Deadline);
        }

        await using (var broker = await StartProcessAsync())
        {
            await using var connection = await ConnectAsync(broker.Port);
            await using var channel = await connection.CreateChannelAsync();
            return await read(channel);
        }
    }

    private protected sealed record RunningBroker(BrokerProcess Process, int Port) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
