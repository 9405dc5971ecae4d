using System.Globalization;
using System.Text;
using AmqpBroker.Browser.Tests.Support;
using RabbitMQ.Client.Events;

namespace AmqpBroker.Browser.Tests;

/// <summary>
/// The overview and a queue page under traffic (a publisher, and a slower consumer that acks), with
/// screenshots attached to the run. With <c>SCREENSHOT_DIR</c> set (docs/images) they are written there,
/// after <c>SCREENSHOT_SETTLE_SECONDS</c> more of traffic for fuller charts: that is how docs/ got them.
/// </summary>
[TestFixture]
public sealed class ScreenshotTests : BrowserTestBase
{
    private const string Queue = "orders";

    [Test]
    public async Task Overview_and_queue_page_chart_live_traffic()
    {
        await using var connection = await ConnectAsync();
        await using var publisher = await connection.CreateChannelAsync();
        await using var consumer = await connection.CreateChannelAsync();
        await publisher.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = "", ["x-dead-letter-routing-key"] = "orders.dead" });
        await publisher.QueueDeclareAsync("orders.dead", durable: true, exclusive: false, autoDelete: false);
        await publisher.QueueDeclareAsync("invoices", durable: true, exclusive: false, autoDelete: false);
        await StartSlowConsumerAsync(consumer);
        using var traffic = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var publishing = PublishAsync(publisher, traffic.Token);

        var page = await LoginAsync();
        // Two samples make a rate: the legend shows the publish rate once the broker has taken them.
        await Assertions.Expect(page.Locator(".legend li").Filter(new() { HasText = "Publish:" }).Locator("strong")).Not.ToHaveTextAsync("0/s");
        await SettleAsync(page);
        await SaveAsync(page, "overview.png");

        await GoAsync(page, $"#/queues/%2F/{Queue}");
        await Assertions.Expect(page.Locator(".legend li").Filter(new() { HasText = "Incoming:" }).Locator("strong")).Not.ToHaveTextAsync("0/s");
        await SettleAsync(page);
        await SaveAsync(page, "queue.png");
        await traffic.CancelAsync();
        await publishing;
    }

    private static async Task StartSlowConsumerAsync(IChannel channel)
    {
        await channel.BasicQosAsync(0, 20, global: false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await Task.Delay(8);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await channel.BasicConsumeAsync(Queue, autoAck: false, consumer);
    }

    private static async Task PublishAsync(IChannel channel, CancellationToken stop)
    {
        var body = Encoding.UTF8.GetBytes("{\"order\": 42}");
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            for (var i = 0; i < 20 + (round % 10 * 3); i++)
            {
                await channel.BasicPublishAsync("", Queue, body, CancellationToken.None);
            }

            await Task.Delay(150, CancellationToken.None);
        }
    }

    /// <summary>For the pictures in docs/, lets the charts fill for a while.</summary>
    private static Task SettleAsync(IPage page) =>
        Environment.GetEnvironmentVariable("SCREENSHOT_SETTLE_SECONDS") is { Length: > 0 } seconds
            ? page.WaitForTimeoutAsync(float.Parse(seconds, CultureInfo.InvariantCulture) * 1000)
            : Task.CompletedTask;

    private static async Task SaveAsync(IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("SCREENSHOT_DIR") is { Length: > 0 } configured ? configured : TestContext.CurrentContext.WorkDirectory;
        var path = Path.Combine(directory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = name != "queue.png" });
        TestContext.AddTestAttachment(path);
    }
}
