using System.Text;
using System.Threading.Channels;
using AmqpBroker.Browser.Tests.Support;
using RabbitMQ.Client.Events;

namespace AmqpBroker.Browser.Tests;

/// <summary>An exchange's page: publishing a message to a consumer, and the routing test.</summary>
[TestFixture]
public sealed class ExchangePageTests : BrowserTestBase
{
    [Test]
    public async Task A_message_published_on_the_exchange_page_reaches_a_consumer_with_its_headers()
    {
        var (exchange, queue) = (Unique("orders-x"), Unique("orders-q"));
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct);
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, "new-order");
        var received = Channel.CreateUnbounded<BasicDeliverEventArgs>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => received.Writer.WriteAsync(delivery).AsTask();
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        var page = await LoginAsync();
        await GoAsync(page, $"#/exchanges/%2F/{exchange}");
        var publish = Section(page, "Publish message");
        await publish.GetByLabel("Routing key").FillAsync("new-order");
        await publish.GetByLabel("Headers key").FillAsync("source");
        await publish.GetByLabel("Headers value").FillAsync("web page");
        await publish.GetByLabel("Payload", new() { Exact = true }).FillAsync("hello from the page");
        await publish.GetByRole(AriaRole.Button, new() { Name = "Publish message" }).ClickAsync();
        await Assertions.Expect(publish.Locator(".form-result")).ToHaveTextAsync("Message published.");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var delivery = await received.Reader.ReadAsync(timeout.Token);
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(delivery.Body.Span), Is.EqualTo("hello from the page"));
            Assert.That(delivery.Exchange, Is.EqualTo(exchange));
            Assert.That(Encoding.UTF8.GetString((byte[])delivery.BasicProperties.Headers!["source"]!), Is.EqualTo("web page"));
        });
    }

    [Test]
    public async Task The_routing_test_shows_which_queues_a_key_would_reach()
    {
        var (exchange, invoices, everything) = (Unique("route-x"), Unique("invoices"), Unique("everything"));
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic);
        await channel.QueueDeclareAsync(invoices, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(everything, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(invoices, exchange, "invoice.*");
        await channel.QueueBindAsync(everything, exchange, "#");

        var page = await LoginAsync();
        await GoAsync(page, $"#/exchanges/%2F/{exchange}");
        var test = Section(page, "Test routing");
        await test.GetByLabel("Routing key").FillAsync("invoice.paid");
        await test.GetByRole(AriaRole.Button, new() { Name = "Test routing" }).ClickAsync();
        await Assertions.Expect(test.Locator(".form-result")).ToHaveTextAsync("Routed to 2 queues.");
        await Assertions.Expect(test.Locator("ul.routed li")).ToHaveTextAsync(new[] { everything, invoices }.Order(StringComparer.Ordinal).ToArray());

        await test.GetByLabel("Routing key").FillAsync("order.new");
        await test.GetByRole(AriaRole.Button, new() { Name = "Test routing" }).ClickAsync();
        await Assertions.Expect(test.Locator("ul.routed li")).ToHaveTextAsync([everything]);
        Assert.That(Broker.Broker.FindVirtualHost("/")!.FindQueue(everything)!.ReadyCount, Is.Zero, "the routing test publishes nothing");
    }
}
