using System.Text;
using AmqpBroker.Browser.Tests.Support;

namespace AmqpBroker.Browser.Tests;

/// <summary>The queue list and a queue's page driven as an operator would, with AMQP clients on the other side.</summary>
[TestFixture]
public sealed class QueuePageTests : BrowserTestBase
{
    /// <summary>The Ready column of the queue list.</summary>
    private const int ReadyColumn = 6;

    [Test]
    public async Task A_queue_a_client_declares_appears_and_its_count_rises_while_the_client_publishes()
    {
        var queue = Unique("appears");
        var page = await LoginAsync();
        await GoAsync(page, "#/queues");
        await page.GetByLabel("Filter by name").FillAsync($"^{queue}$");
        await page.GetByLabel("Regex").CheckAsync();
        await Assertions.Expect(page.Locator("main table tbody")).ToContainTextAsync("None");

        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        var row = page.Locator("main table tbody tr").Filter(new() { HasText = queue });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td").Nth(ReadyColumn)).ToHaveTextAsync("0");

        await PublishAsync(channel, queue, 3);
        await Assertions.Expect(row.Locator("td").Nth(ReadyColumn)).ToHaveTextAsync("3");
        await PublishAsync(channel, queue, 4);
        await Assertions.Expect(row.Locator("td").Nth(ReadyColumn)).ToHaveTextAsync("7");

        await row.GetByRole(AriaRole.Link, new() { Name = queue }).ClickAsync();
        await Assertions.Expect(page.Locator("main h1")).ToContainTextAsync(queue);
        await Assertions.Expect(page.Locator(".numbers")).ToContainTextAsync("Ready7");
    }

    [Test]
    public async Task Get_messages_shows_properties_and_headers_with_x_death_expanded()
    {
        var (source, dead) = (Unique("source"), Unique("dead"));
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(dead, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(source, durable: false, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = "", ["x-dead-letter-routing-key"] = dead });
        var properties = new BasicProperties { ContentType = "application/json", Headers = new Dictionary<string, object?> { ["order-id"] = "42" } };
        await channel.BasicPublishAsync("", source, mandatory: false, properties, Encoding.UTF8.GetBytes("{\"total\": 10}"));
        var got = await channel.BasicGetAsync(source, autoAck: false);
        await channel.BasicRejectAsync(got!.DeliveryTag, requeue: false);

        var page = await LoginAsync();
        await GoAsync(page, $"#/queues/%2F/{dead}");
        var get = Section(page, "Get messages");
        await get.GetByRole(AriaRole.Button, new() { Name = "Get messages" }).ClickAsync();
        var message = page.GetByRole(AriaRole.Article, new() { Name = "Message 1" });
        await Assertions.Expect(message.Locator("pre.payload")).ToHaveTextAsync("{\"total\": 10}");
        await Assertions.Expect(message.Locator("table.properties")).ToContainTextAsync("application/json");
        var headers = message.Locator("table.headers");
        await Assertions.Expect(headers.Locator("tr").Filter(new() { HasText = "order-id" })).ToContainTextAsync("42");
        var death = headers.Locator("table.x-death tbody tr");
        await Assertions.Expect(death).ToHaveCountAsync(1);
        await Assertions.Expect(death).ToContainTextAsync("rejected");
        await Assertions.Expect(death).ToContainTextAsync(source);
    }

    [Test]
    public async Task Purge_asks_first_then_empties_the_queue()
    {
        var queue = Unique("purge");
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        await PublishAsync(channel, queue, 4);
        var page = await LoginAsync();
        await GoAsync(page, $"#/queues/%2F/{queue}");
        await Assertions.Expect(page.Locator(".numbers")).ToContainTextAsync("Ready4");

        await page.GetByRole(AriaRole.Button, new() { Name = "Purge messages" }).ClickAsync();
        Assert.That(Queue(queue).ReadyCount, Is.EqualTo(4), "nothing is purged before the confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, purge messages" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"Queue {queue} purged.");
        await Assertions.Expect(page.Locator(".numbers")).ToContainTextAsync("Ready0");
        Assert.That(Queue(queue).ReadyCount, Is.Zero);
    }

    [Test]
    public async Task Messages_move_to_another_queue_and_bindings_are_added_and_removed()
    {
        var (source, destination, exchange) = (Unique("move-from"), Unique("move-to"), Unique("bind-x"));
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(source, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(destination, durable: false, exclusive: false, autoDelete: false);
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct);
        await PublishAsync(channel, source, 5);
        var page = await LoginAsync();
        await GoAsync(page, $"#/queues/%2F/{source}");

        var move = Section(page, "Move messages");
        await move.GetByLabel("Destination queue").FillAsync(destination);
        await move.GetByLabel("How many (empty for all)").FillAsync("3");
        await move.GetByRole(AriaRole.Button, new() { Name = "Move messages" }).ClickAsync();
        await Assertions.Expect(move.Locator(".form-result")).ToHaveTextAsync($"3 messages moved to {destination}.");
        Assert.That((Queue(source).ReadyCount, Queue(destination).ReadyCount), Is.EqualTo((2, 3)));

        var bindings = Section(page, "Bindings");
        await bindings.GetByLabel("From exchange").FillAsync(exchange);
        await bindings.GetByLabel("Routing key").FillAsync("invoices");
        await bindings.GetByRole(AriaRole.Button, new() { Name = "Bind" }).ClickAsync();
        var row = bindings.Locator("tbody tr").Filter(new() { HasText = exchange });
        await Assertions.Expect(row).ToContainTextAsync("invoices");
        Assert.That(Broker.Broker.FindVirtualHost("/")!.Exchanges.Single(e => e.Name == exchange).Bindings, Has.Count.EqualTo(1));

        await row.GetByRole(AriaRole.Button, new() { Name = "Unbind" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Yes, unbind" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.That(Broker.Broker.FindVirtualHost("/")!.Exchanges.Single(e => e.Name == exchange).Bindings, Is.Empty);
    }

    private Core.Queues.Queue Queue(string name) => Broker.Broker.FindVirtualHost("/")!.FindQueue(name)!;

    private static async Task PublishAsync(IChannel channel, string queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await channel.BasicPublishAsync("", queue, Encoding.UTF8.GetBytes($"message {i}"));
        }
    }
}
