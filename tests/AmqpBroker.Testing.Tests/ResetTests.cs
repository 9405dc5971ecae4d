using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Security;
using AmqpBroker.Testing.Tests.Support;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.Testing.Tests;

/// <summary>
/// One broker for the fixture, reset before every test: a reset closes connections with 320 and drops
/// whatever a test created, down to users, vhosts and policies; a snapshot is what later resets return to,
/// messages included; RestoreAsync returns to any snapshot.
/// </summary>
[TestFixture]
public sealed class ResetTests : ResetBrokerFixture
{
    [Test]
    public async Task A_reset_drops_everything_a_test_created()
    {
        var (connection, channel) = await Client.ConnectWithChannelAsync(Broker.AmqpUri);
        await using (connection)
        {
            await channel.ExchangeDeclareAsync("orders", ExchangeType.Topic, durable: true);
            await channel.QueueDeclareAsync("orders.created", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync("orders.created", "orders", "created.#");
            await Client.PublishAsync(channel, "orders", "created.eu", "order 1");
        }

        Broker.Broker.AddVirtualHost("scratch");
        Broker.Broker.PutUser(new User("alice", PasswordHasher.Hash("secret"), []));
        Broker.Broker.PutPolicy(new Policy("/", "ttl", ".*", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["message-ttl"] = 1000 }));

        await Broker.ResetAsync();

        var (_, fresh) = await Client.ConnectWithChannelAsync(Broker.AmqpUri);
        var missing = await Client.ChannelClosedByAsync(() => fresh.QueueDeclarePassiveAsync("orders.created"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(missing.ReplyCode, Is.EqualTo(404));
            Assert.That(Broker.Broker.VirtualHosts.Select(v => v.Name), Is.EqualTo(new[] { "/" }));
            Assert.That(Broker.Broker.Users.All.Select(u => u.Name), Is.EqualTo(new[] { "guest" }));
            Assert.That(Broker.Broker.Policies, Is.Empty);
            Assert.That(Broker.Broker.FindVirtualHost("/")!.Exchanges.Select(e => e.Name), Does.Not.Contain("orders"));
        }
    }

    [Test]
    public async Task A_reset_drops_topic_permissions_and_limits_a_test_set()
    {
        var broker = Broker.Broker;
        broker.SetTopicPermission(new TopicPermission("guest", "/", "amq.topic", "^a", "^b"));
        broker.SetVirtualHostLimit("/", "max-queues", 3L);
        broker.SetUserLimit("guest", "max-channels", 2L);

        await Broker.ResetAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(broker.TopicPermissions, Is.Empty);
            Assert.That(broker.LimitsOfVirtualHost("/"), Is.Empty);
            Assert.That(broker.LimitsOfUser("guest"), Is.Empty);
        }
    }

    [Test]
    public async Task A_snapshot_keeps_topic_permissions_and_limits()
    {
        await using var host = await BrokerHost.StartAsync(new BrokerOptions());
        var broker = host.Broker;
        broker.SetTopicPermission(new TopicPermission("guest", "/", "amq.topic", "^a", "^b"));
        broker.SetVirtualHostLimit("/", "max-queues", 3L);
        broker.SetUserLimit("guest", "max-channels", 2L);
        await host.SnapshotAsync();
        broker.ClearTopicPermissions("guest", "/");
        broker.SetUserLimit("guest", "max-connections", 1L);

        await host.ResetAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(broker.TopicPermissions.Select(p => (p.User, p.Exchange, p.Write)), Is.EqualTo(new[] { ("guest", "amq.topic", "^a") }));
            Assert.That(broker.LimitsOfVirtualHost("/"), Is.EqualTo(new[] { new Limit("max-queues", 3) }));
            Assert.That(broker.LimitsOfUser("guest"), Is.EqualTo(new[] { new Limit("max-channels", 2) }));
        }
    }

    [Test]
    public async Task A_reset_closes_every_connection_with_320_before_it_returns()
    {
        var connection = await Client.ConnectAsync(Broker.AmqpUri);
        var closed = Client.ClosedAsync(connection);

        await Broker.ResetAsync();

        Assert.That(Broker.Broker.ConnectionCount, Is.Zero);
        var reason = await closed;
        Assert.That(reason.ReplyCode, Is.EqualTo(320));
        Assert.That(reason.ReplyText, Is.EqualTo("CONNECTION_FORCED - broker forced connection closure with reason 'reset'"));
    }

    [Test]
    public async Task After_a_snapshot_resets_return_to_it_with_its_messages()
    {
        await using var broker = await BrokerHost.StartAsync(new BrokerOptions());
        var (connection, channel) = await Client.ConnectWithChannelAsync(broker.AmqpUri);
        await channel.ExchangeDeclareAsync("seeded", ExchangeType.Direct);
        await channel.QueueDeclareAsync("work", durable: false, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("work", "seeded", "job");
        await Client.PublishAsync(channel, "seeded", "job", "first");
        await Client.PublishAsync(channel, "seeded", "job", "second");
        await connection.CloseAsync();
        var snapshot = await broker.SnapshotAsync();

        // A test consumes a message and breaks the topology; the next reset undoes both.
        (connection, channel) = await Client.ConnectWithChannelAsync(broker.AmqpUri);
        Assert.That(await Client.GetAsync(channel, "work"), Is.EqualTo("first"));
        await channel.ExchangeDeleteAsync("seeded");
        await broker.ResetAsync();

        (_, channel) = await Client.ConnectWithChannelAsync(broker.AmqpUri);
        await Client.PublishAsync(channel, "seeded", "job", "third");
        var bodies = new[] { await Client.GetAsync(channel, "work"), await Client.GetAsync(channel, "work"), await Client.GetAsync(channel, "work") };
        Assert.That(bodies, Is.EqualTo(new[] { "first", "second", "third" }));
        Assert.That(snapshot.MessageCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Restoring_a_snapshot_leaves_the_reset_point_at_the_last_snapshot()
    {
        await using var broker = await BrokerHost.StartAsync(new BrokerOptions());
        var (_, channel) = await Client.ConnectWithChannelAsync(broker.AmqpUri);
        await channel.QueueDeclareAsync("a", durable: false, exclusive: false, autoDelete: false);
        var onlyA = await broker.SnapshotAsync();
        (_, channel) = await Client.ConnectWithChannelAsync(broker.AmqpUri);
        await channel.QueueDeclareAsync("b", durable: false, exclusive: false, autoDelete: false);
        await broker.SnapshotAsync();

        await broker.RestoreAsync(onlyA);
        Assert.That(QueueNames(broker), Is.EqualTo(new[] { "a" }));

        await broker.ResetAsync();
        Assert.That(QueueNames(broker), Is.EqualTo(new[] { "a", "b" }), "the reset point is still the last snapshot");
    }

    [Test]
    public async Task A_restored_message_keeps_the_time_to_live_it_had_left()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var broker = await BrokerHost.StartAsync(new BrokerOptions { TimeProvider = clock });
        var (connection, channel) = await Client.ConnectWithChannelAsync(broker.AmqpUri);
        await channel.QueueDeclareAsync("short-lived", durable: false, exclusive: false, autoDelete: false, Client.Args(("x-message-ttl", 60_000)));
        await Client.PublishAsync(channel, "", "short-lived", "m");
        await connection.CloseAsync();
        clock.Advance(TimeSpan.FromSeconds(40));
        await broker.SnapshotAsync();

        clock.Advance(TimeSpan.FromHours(1));
        await broker.ResetAsync();
        var queue = broker.Broker.FindVirtualHost("/")!.FindQueue("short-lived")!;
        Assert.That(queue.ReadyCount, Is.EqualTo(1), "20 s left, counted from the reset");

        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.That(queue.ReadyCount, Is.Zero);
    }

    [Test]
    public async Task A_reset_returns_the_shovels_of_the_snapshot_and_drops_later_ones()
    {
        await using var broker = await BrokerHost.StartAsync(new BrokerOptions());
        broker.Broker.Parameters.Put(Shovel("kept"));
        await broker.SnapshotAsync();
        broker.Broker.Parameters.Clear("shovel", "/", "kept");
        broker.Broker.Parameters.Put(Shovel("added"));

        await broker.ResetAsync();

        Assert.That(broker.Broker.Parameters.All.Select(p => p.Name), Is.EqualTo(new[] { "kept" }));
    }

    private static RuntimeParameter Shovel(string name) =>
        RuntimeParameter.FromJson("shovel", "/", name, $$"""{"src-uri": "amqp://", "src-queue": "{{name}}-in", "dest-uri": "amqp://", "dest-queue": "{{name}}-out"}""");

    private static string[] QueueNames(BrokerHost broker) => [.. broker.Broker.FindVirtualHost("/")!.Queues.Select(q => q.Name).Order(StringComparer.Ordinal)];
}
