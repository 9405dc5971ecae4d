using System.Text;
using AmqpBroker.Browser.Tests.Support;

namespace AmqpBroker.Browser.Tests;

/// <summary>
/// Screenshots of the overview and a queue page under traffic, attached to the test run; with
/// <c>SCREENSHOT_DIR</c> set (e.g. to docs/) they are written there, which is how docs/ got its pictures.
/// </summary>
[TestFixture]
public sealed class ScreenshotTests : BrowserTestBase
{
    [Test]
    public async Task Overview_and_queue_page_render_under_traffic()
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        const string Queue = "orders";
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = "", ["x-dead-letter-routing-key"] = "orders.dead" });
        await channel.QueueDeclareAsync("orders.dead", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync("invoices", durable: true, exclusive: false, autoDelete: false);
        var page = await LoginAsync();
        using var traffic = new CancellationTokenSource();
        var publishing = PublishAsync(channel, Queue, traffic.Token);

        // The page samples every 5 s: wait for three samples so the charts have lines.
        await page.WaitForTimeoutAsync(16_000);
        await Save(page, "overview.png");
        await GoAsync(page, $"#/queues/%2F/{Queue}");
        await page.WaitForTimeoutAsync(11_000);
        await Save(page, "queue.png");
        await traffic.CancelAsync();
        await publishing;
        await Assertions.Expect(page.Locator(".numbers")).ToContainTextAsync("Ready");
    }

    private static async Task PublishAsync(IChannel channel, string queue, CancellationToken stop)
    {
        var body = Encoding.UTF8.GetBytes("{\"order\": 42}");
        var round = 0;
        while (!stop.IsCancellationRequested)
        {
            for (var i = 0; i < 20 + (round % 7 * 5); i++)
            {
                await channel.BasicPublishAsync("", queue, body, CancellationToken.None);
            }

            round++;
            await Task.Delay(200, CancellationToken.None);
        }
    }

    private static async Task Save(IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("SCREENSHOT_DIR") is { Length: > 0 } configured ? configured : TestContext.CurrentContext.WorkDirectory;
        var path = Path.Combine(directory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path);
    }
}
