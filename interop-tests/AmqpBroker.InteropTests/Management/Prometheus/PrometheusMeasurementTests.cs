using AmqpBroker.Core;
using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Management.Prometheus;

/// <summary>
/// The families measured for rabbitmq_prometheus move when the thing they count happens: message-store I/O,
/// where a queue's messages are, consumer capacity, pending deliveries and login attempts by source. The broker
/// keeps a data directory, pages a durable queue out beyond two messages and tracks login sources.
/// </summary>
[TestFixture]
[OwnBrokerOnly("the values are this broker's; PrometheusFamilyTests compares the families with RabbitMQ")]
public sealed class PrometheusMeasurementTests : ManagementTestBase
{
    private const int Size = 100;
    private static readonly AmqpTimestamp Timestamp = new(1_700_000_000);

    private HttpClient _metrics = null!;

    protected override BrokerOptions CreateOptions() => OnDisk(new()
    {
        Bind = "127.0.0.1",
        QueueMemoryLimit = 2,
        RabbitMQVersion = RabbitMQVersion,
        Settings = new BrokerSettings { TrackAuthAttemptSource = true },
    });

    [OneTimeSetUp]
    public void CreateMetricsClient()
    {
        _metrics = PrometheusAddress.Client(Host, AmqpUri);
    }

    [OneTimeTearDown]
    public void DisposeMetricsClient() => _metrics?.Dispose();

    [Test]
    public async Task Persistent_messages_move_the_io_message_store_and_index_counters()
    {
        var before = await PrometheusScrape.ReadAsync(_metrics, "metrics");
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareDurableQueueAsync(channel);
        await PublishPersistentAsync(channel, queue, 3);
        var got = await channel.BasicGetAsync(queue, autoAck: false);
        await channel.BasicAckAsync(got!.DeliveryTag, multiple: false);
        // The delivered and settled markers reach the disk with the next confirmed publish's sync.
        await PublishPersistentAsync(channel, queue, 1);

        var after = await PrometheusScrape.ReadAsync(_metrics, "metrics");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after["rabbitmq_msg_store_write_total"] - before["rabbitmq_msg_store_write_total"], Is.EqualTo(4));
            Assert.That(after["rabbitmq_queue_index_write_ops_total"] - before["rabbitmq_queue_index_write_ops_total"], Is.GreaterThanOrEqualTo(2));
            Assert.That(after["rabbitmq_io_write_ops_total"], Is.GreaterThan(before["rabbitmq_io_write_ops_total"]));
            Assert.That(after["rabbitmq_io_write_bytes_total"] - before["rabbitmq_io_write_bytes_total"], Is.GreaterThanOrEqualTo(4 * Size));
            Assert.That(after["rabbitmq_io_sync_ops_total"], Is.GreaterThan(before["rabbitmq_io_sync_ops_total"]));
            Assert.That(after["rabbitmq_io_sync_time_seconds_total"], Is.GreaterThan(before["rabbitmq_io_sync_time_seconds_total"]));
            Assert.That(after["rabbitmq_io_seek_ops_total"], Is.Zero, "segment files are read and written at offsets");
        }
    }

    [Test]
    public async Task A_paged_durable_queue_reports_where_its_messages_are()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareDurableQueueAsync(channel);
        // Two stay in memory, the next three persistent ones are paged out to the log, the transient one to the queue's temporary file.
        await PublishPersistentAsync(channel, queue, 5);
        await channel.BasicPublishAsync("", queue, mandatory: false, new BasicProperties(), new byte[Size / 2]);
        await channel.BasicGetAsync(queue, autoAck: false);

        var scrape = await PrometheusScrape.ReadAsync(_metrics, "metrics/per-object");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(scrape.Queue("messages_ready", queue), Is.EqualTo(5));
            Assert.That(scrape.Queue("messages_unacked_bytes", queue), Is.EqualTo(Size));
            Assert.That(scrape.Queue("messages_bytes", queue), Is.EqualTo(5 * Size + (Size / 2)));
            Assert.That(scrape.Queue("messages_persistent", queue), Is.EqualTo(5), "four ready, one unacked");
            Assert.That(scrape.Queue("messages_persistent_bytes", queue), Is.EqualTo(5 * Size));
            Assert.That(scrape.Queue("messages_paged_out", queue), Is.EqualTo(4));
            Assert.That(scrape.Queue("messages_paged_out_bytes", queue), Is.EqualTo((3 * Size) + (Size / 2)));
            Assert.That(scrape.Queue("messages_ready_ram", queue), Is.EqualTo(1));
            Assert.That(scrape.Queue("messages_unacked_ram", queue), Is.EqualTo(1));
            Assert.That(scrape.Queue("messages_ram", queue), Is.EqualTo(2));
            Assert.That(scrape.Queue("messages_ram_bytes", queue), Is.EqualTo(Size + Size));
            Assert.That(scrape.Queue("head_message_timestamp", queue), Is.EqualTo(Timestamp.UnixTime));
            Assert.That(scrape.Queue("disk_writes_total", queue), Is.EqualTo(5));
            Assert.That(scrape.Queue("disk_reads_total", queue), Is.Zero);
        }

        await channel.BasicGetAsync(queue, autoAck: false);
        await channel.BasicGetAsync(queue, autoAck: false);
        scrape = await PrometheusScrape.ReadAsync(_metrics, "metrics/per-object");
        Assert.That((scrape.Queue("disk_reads_total", queue), scrape.Queue("messages_paged_out", queue)), Is.EqualTo((1.0, 3.0)), "the first paged-out message was read back");
    }

    [Test]
    public async Task Consumer_capacity_is_1_while_a_consumer_can_take_messages_and_0_without_consumers()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var idle = await PrometheusScrape.ReadAsync(_metrics, "metrics/per-object");

        await channel.BasicConsumeAsync(queue, autoAck: true, new AsyncEventingBasicConsumer(channel));
        await channel.BasicPublishAsync("", queue, new byte[Size]);
        await channel.QueueDeclarePassiveAsync(queue);
        var consuming = await PrometheusScrape.ReadAsync(_metrics, "metrics/per-object");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(idle.Queue("consumer_capacity", queue), Is.Zero);
            Assert.That(consuming.Queue("consumer_capacity", queue), Is.EqualTo(1));
            Assert.That(consuming.Queue("consumer_utilisation", queue), Is.EqualTo(1));
            Assert.That(consuming.Queue("head_message_timestamp", queue), Is.NaN, "an empty queue has no head");
        }
    }

    [Test]
    public async Task Deliveries_waiting_for_a_stalled_socket_are_pending_packets()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, new AsyncEventingBasicConsumer(channel));
        var name = $"127.0.0.1:{connection.LocalPort} -> ";
        Host!.Broker.Faults.StallConnections(FaultScope.ForConnection(Host.Broker.Connections.Single(c => c.Name.StartsWith(name, StringComparison.Ordinal)).Name),
            TimeSpan.FromSeconds(10), StallDirection.Writing);

        await using var publisher = await OpenChannelAsync();
        for (var i = 0; i < 3; i++)
        {
            await publisher.BasicPublishAsync("", queue, new byte[Size]);
        }

        var series = $"rabbitmq_connection_pending_packets{{channel=\"{name}";
        double? pending = null;
        var seen = await EventuallyAsync(async () =>
        {
            var text = await _metrics.GetStringAsync("metrics/per-object");
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series, StringComparison.Ordinal));
            pending = line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            return pending >= 1;
        });
        Assert.That(seen, Is.True, $"pending packets: {pending}");
        Host.Broker.Faults.DropConnections(FaultScope.ForConnection(Host.Broker.Connections.Single(c => c.Name.StartsWith(name, StringComparison.Ordinal)).Name));
    }

    [Test]
    public async Task Login_attempts_are_counted_by_address_user_and_protocol_when_the_source_is_tracked()
    {
        var user = UniqueName("nobody");
        var factory = CreateFactory();
        factory.UserName = user;
        factory.Password = "wrong";
        await Assert.ThatAsync(() => factory.CreateConnectionAsync(), Throws.InstanceOf<RabbitMQ.Client.Exceptions.BrokerUnreachableException>());

        var labels = $"{{remote_address=\"127.0.0.1\",username=\"{user}\",protocol=\"amqp091\"}}";
        var scrape = await PrometheusScrape.ReadAsync(_metrics, "metrics/per-object");
        var sources = (await GetJsonAsync($"api/auth/attempts/{Uri.EscapeDataString(Host!.Broker.NodeName)}/source")).AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(scrape["rabbitmq_auth_attempts_detailed_failed_total" + labels], Is.EqualTo(1));
            Assert.That(scrape["rabbitmq_auth_attempts_detailed_total" + labels], Is.EqualTo(1));
            Assert.That(scrape["rabbitmq_auth_attempts_detailed_succeeded_total" + labels], Is.Zero);
            Assert.That(sources.Select(s => s!["username"]!.GetValue<string>()), Does.Contain(user));
        }
    }

    private async Task<string> DeclareDurableQueueAsync(IChannel channel)
    {
        var queue = Track(UniqueName("paged"));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        return queue;
    }

    private static async Task PublishPersistentAsync(IChannel channel, string queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await channel.BasicPublishAsync("", queue, mandatory: false, new BasicProperties { Persistent = true, Timestamp = Timestamp }, new byte[Size]);
        }
    }
}
