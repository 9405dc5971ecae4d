using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// Dynamic shovels between two of our brokers, each with its own durable store: a shovel defined on the
/// source broker through the admin API moves messages exactly once and in order with on-confirm, deletes
/// itself after its count, and reports its status while its destination is away and when it is back.
/// </summary>
[NonParallelizable]
public sealed class ShovelTransferTests
{
    private const int Messages = 100_000;

    private readonly Leftovers _leftovers = new();

    [TearDown]
    public Task CleanUpAsync() => _leftovers.CleanUpAsync();

    [Test]
    public async Task A_shovel_moves_100000_persistent_messages_exactly_once_in_order_while_a_publisher_keeps_publishing()
    {
        var source = await StartAsync("source");
        var destination = await StartAsync("destination");
        await using var sourceConnection = await LoopbackFactory.For(source.AmqpEndPoint.Port).CreateConnectionAsync();
        await using var destinationConnection = await LoopbackFactory.For(destination.AmqpEndPoint.Port).CreateConnectionAsync();
        await ShovelRig.DeclareDurableQueueAsync(sourceConnection, "orders");
        using var admin = ShovelRig.Admin(source.ManagementUri!);

        // The first tenth is waiting when the shovel starts; the rest arrives while it runs.
        await ShovelRig.PublishAsync(sourceConnection, "orders", 0, Messages / 10);
        await ShovelRig.PutShovelAsync(admin, "move-orders", new JsonObject
        {
            ["src-uri"] = "amqp://",
            ["src-queue"] = "orders",
            ["dest-uri"] = ShovelRig.UriOf(destination),
            ["dest-queue"] = "orders",
            ["ack-mode"] = "on-confirm",
            ["src-delete-after"] = Messages,
        });
        await ShovelRig.PublishAsync(sourceConnection, "orders", Messages / 10, Messages - (Messages / 10));

        await ShovelRig.WaitUntilAsync(async () => await ShovelRig.StatusAsync(admin, "move-orders") is null, "the shovel to delete itself after its count");
        Assert.That(source.Broker.Parameters.All, Is.Empty, "the parameter is gone with the shovel");
        Assert.That(await ShovelRig.CountAsync(sourceConnection, "orders"), Is.Zero);
        Assert.That(await ShovelRig.CountAsync(destinationConnection, "orders"), Is.EqualTo(Messages));
        var received = await ShovelRig.DrainAsync(destinationConnection, "orders", Messages);
        Assert.That(received, Is.EqualTo(Enumerable.Range(0, Messages)), "each message exactly once, in publish order");
    }

    [Test]
    public async Task A_queue_length_shovel_moves_what_the_queue_held_and_deletes_itself()
    {
        var source = await StartAsync("qlen-source");
        var destination = await StartAsync("qlen-destination");
        await using var sourceConnection = await LoopbackFactory.For(source.AmqpEndPoint.Port).CreateConnectionAsync();
        await using var destinationConnection = await LoopbackFactory.For(destination.AmqpEndPoint.Port).CreateConnectionAsync();
        await ShovelRig.DeclareDurableQueueAsync(sourceConnection, "jobs");
        await ShovelRig.PublishAsync(sourceConnection, "jobs", 0, 1000);
        using var admin = ShovelRig.Admin(source.ManagementUri!);

        await ShovelRig.PutShovelAsync(admin, "move-jobs", new JsonObject
        {
            ["src-uri"] = "amqp://",
            ["src-queue"] = "jobs",
            ["src-delete-after"] = "queue-length",
            ["dest-uri"] = ShovelRig.UriOf(destination),
            ["dest-queue"] = "jobs-moved",
            ["dest-add-forward-headers"] = true,
        });

        await ShovelRig.WaitUntilAsync(async () => await ShovelRig.StatusAsync(admin, "move-jobs") is null, "the shovel to delete itself");
        Assert.That(await ShovelRig.CountAsync(sourceConnection, "jobs"), Is.Zero);
        await using var channel = await destinationConnection.CreateChannelAsync();
        var first = await channel.BasicGetAsync("jobs-moved", autoAck: true);
        var hop = ((List<object?>)first!.BasicProperties.Headers!["x-shovelled"]!)[0] as IDictionary<string, object?>;
        Assert.That(Encoding.UTF8.GetString((byte[])hop!["shovel-name"]!), Is.EqualTo("move-jobs"));
        Assert.That(Encoding.UTF8.GetString((byte[])hop["src-queue"]!), Is.EqualTo("jobs"));
        Assert.That(await channel.MessageCountAsync("jobs-moved"), Is.EqualTo(999));
    }

    [Test]
    public async Task A_shovel_to_an_unreachable_destination_reports_its_status_and_recovers_when_it_comes_back()
    {
        var source = await StartAsync("away-source");
        var port = FreePort();
        await using var sourceConnection = await LoopbackFactory.For(source.AmqpEndPoint.Port).CreateConnectionAsync();
        await ShovelRig.DeclareDurableQueueAsync(sourceConnection, "events");
        using var admin = ShovelRig.Admin(source.ManagementUri!);
        await ShovelRig.PutShovelAsync(admin, "to-away", new JsonObject
        {
            ["src-uri"] = "amqp://",
            ["src-queue"] = "events",
            ["dest-uri"] = $"amqp://guest:guest@127.0.0.1:{port}",
            ["dest-queue"] = "events",
            ["reconnect-delay"] = 1,
        });
        await ShovelRig.PublishAsync(sourceConnection, "events", 0, 100);

        // RabbitMQ 4.2 (the default profile) reports a shovel that cannot connect as terminated between its attempts
        // (rabbit_shovel_worker:terminate at v4.2.0), and keeps retrying: it runs once the destination is there.
        var waiting = await ShovelRig.WaitForStateAsync(admin, "to-away", "terminated");
        Assert.That(waiting["reason"]!.GetValue<string>(), Is.EqualTo("\"failed to connect to destination\""));

        var destination = await StartAsync("away-destination", port);
        var running = await ShovelRig.WaitForStateAsync(admin, "to-away", "running");
        Assert.That(running["dest_uri"]!.GetValue<string>(), Is.EqualTo($"amqp://127.0.0.1:{port}"), "the URI is reported without its credentials");
        Assert.That(running["src_queue"]!.GetValue<string>(), Is.EqualTo("events"));
        await using var destinationConnection = await LoopbackFactory.For(port).CreateConnectionAsync();
        await ShovelRig.WaitUntilAsync(async () => await ShovelRig.CountAsync(destinationConnection, "events") == 100, "the waiting messages to arrive");

        // The destination goes away while the shovel runs: terminated with the reason, then back to running.
        await destinationConnection.CloseAsync();
        _leftovers.Forget(destination);
        await destination.DisposeAsync();
        var terminated = await ShovelRig.WaitForStateAsync(admin, "to-away", "terminated");
        // The stopping broker closed the connection with 320 as RabbitMQ does; 4.2 shows the worker's exit term (~p breaks it).
        Assert.That(terminated["reason"]!.GetValue<string>(), Is.EqualTo(
            $"{{shutdown,{{server_initiated_close,320,\n{new string(' ', 34)}<<\"CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'\">>}}}}"));
        await StartAsync("away-destination-again", port);
        await ShovelRig.WaitForStateAsync(admin, "to-away", "running");
    }

    private async Task<BrokerHost> StartAsync(string name, int port = 0) =>
        _leftovers.Add(await ShovelRig.StartBrokerAsync(_leftovers.NewDirectory($"shovel-{name}-"), port));

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
