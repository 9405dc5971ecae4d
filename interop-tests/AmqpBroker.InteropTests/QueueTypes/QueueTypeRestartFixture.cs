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

    private protected sealed record RunningBroker(BrokerProcess Process, int Port) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
