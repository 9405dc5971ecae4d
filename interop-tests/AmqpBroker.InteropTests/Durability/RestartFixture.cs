using AmqpBroker.Hosting;
using AmqpBroker.Storage.Messages;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>A data directory per test, and in-process brokers started and stopped on it.</summary>
public abstract class RestartFixture
{
    protected string DataDirectory { get; private set; } = null!;

    [SetUp]
    public void CreateDataDirectory() =>
        DataDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "amqpbroker-restart-" + Guid.NewGuid().ToString("N"))).FullName;

    [TearDown]
    public void RemoveDataDirectory() => Directory.Delete(DataDirectory, recursive: true);

    protected static async Task PublishAsync(IChannel channel, string queue, string body, bool persistent) =>
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, new BasicProperties { Persistent = persistent }, System.Text.Encoding.UTF8.GetBytes(body));

    /// <summary>Takes every message with basic.get, acking each: body and redelivered flag, in order.</summary>
    protected static async Task<List<(string Body, bool Redelivered)>> DrainAsync(IChannel channel, string queue)
    {
        var messages = new List<(string, bool)>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
        {
            messages.Add((System.Text.Encoding.UTF8.GetString(got.Body.Span), got.Redelivered));
        }

        return messages;
    }

    protected static async Task PollAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "condition not met in time");
            await Task.Delay(10);
        }
    }

    protected Task<BrokerHost> StartAsync(int queueMemoryLimit = SegmentMessageStore.DefaultInMemoryLimit) =>
        BrokerHost.StartAsync(new BrokerOptions
        {
            Port = 0,
            ManagementPort = BrokerOptions.ManagementDisabled,
            Bind = "127.0.0.1",
            DataDir = DataDirectory,
            QueueMemoryLimit = queueMemoryLimit,
        });

    protected static Task<IConnection> ConnectAsync(BrokerHost broker, string user, string password, string virtualHost) =>
        new ConnectionFactory
        {
            Uri = broker.AmqpUri,
            UserName = user,
            Password = password,
            VirtualHost = virtualHost,
            AutomaticRecoveryEnabled = false,
        }.CreateConnectionAsync();

    protected async Task WithBrokerAsync(Func<IConnection, IChannel, Task> action, int queueMemoryLimit = SegmentMessageStore.DefaultInMemoryLimit)
    {
        await using var broker = await StartAsync(queueMemoryLimit);
        await using var connection = await new ConnectionFactory { Uri = broker.AmqpUri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await action(connection, channel);
    }
}
