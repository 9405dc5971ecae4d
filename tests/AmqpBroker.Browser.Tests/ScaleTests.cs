using AmqpBroker.Browser.Tests.Support;
using AmqpBroker.Core;
using AmqpBroker.Core.Queues;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Browser.Tests;

/// <summary>The queue list with 10,000 queues: paged, sorted and filtered by the server.</summary>
[TestFixture]
public sealed class ScaleTests : BrowserTestBase
{
    private const int QueueCount = 10_000;

    [OneTimeSetUp]
    public void DeclareManyQueues()
    {
        var virtualHost = Broker.Broker.FindVirtualHost("/")!;
        var owner = new ClientConnection("scale test", Broker.Broker.Users.Find("guest")!, "/", FieldTable.Empty, DateTimeOffset.UtcNow, _ => { });
        for (var i = 0; i < QueueCount; i++)
        {
            virtualHost.DeclareQueue(new QueueDefinition($"bulk-{i:D5}", "/", false, false, false, FieldTable.Empty), owner, passive: false);
        }
    }

    [Test]
    public async Task Ten_thousand_queues_are_listed_a_page_at_a_time_and_filtered_by_a_regular_expression()
    {
        var page = await LoginAsync();
        var listed = page.WaitForResponseAsync(r => r.Url.Contains("api/queues?page=1", StringComparison.Ordinal));
        await GoAsync(page, "#/queues");
        var first = await listed;
        await Assertions.Expect(page.Locator(".list-summary")).ToHaveTextAsync("10,000 in all");
        await Assertions.Expect(page.Locator("main table tbody tr")).ToHaveCountAsync(50);
        Assert.That((await first.BodyAsync()).Length, Is.LessThan(200_000), "one page of queues crosses the wire, not all of them");

        await page.GetByLabel("Filter by name").FillAsync("^bulk-0004[2-4]$");
        await page.GetByLabel("Regex").CheckAsync();
        await Assertions.Expect(page.Locator("main table tbody tr td:nth-child(2)")).ToHaveTextAsync(["bulk-00042", "bulk-00043", "bulk-00044"]);
        await Assertions.Expect(page.Locator(".list-summary")).ToHaveTextAsync("10,000 in all, 3 matching");

        await page.GetByLabel("Filter by name").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(page.Locator(".pager")).ToContainTextAsync("Page 2 of 200");
        await Assertions.Expect(page.Locator("main table tbody tr td:nth-child(2)").First).ToHaveTextAsync("bulk-00050");
    }
}
