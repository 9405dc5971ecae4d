using System.Globalization;
using AmqpBroker.Browser.Tests.Support;

namespace AmqpBroker.Browser.Tests;

/// <summary>Labels on every control, keyboard use, and the page's load time.</summary>
[TestFixture]
public sealed class AccessibilityTests : BrowserTestBase
{
    /// <summary>Controls with no accessible name: no label, aria-label, aria-labelledby or text.</summary>
    private const string UnlabelledControls = """
        () => [...document.querySelectorAll('main input, main select, main textarea, main button, header select, header button')]
          .filter(c => !(c.labels?.length || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby') || c.textContent.trim()))
          .map(c => c.outerHTML)
        """;

    [TestCase("#/")]
    [TestCase("#/queues")]
    [TestCase("#/queues/%2F/labelled")]
    [TestCase("#/exchanges/%2F/amq.topic")]
    [TestCase("#/connections")]
    [TestCase("#/users")]
    [TestCase("#/users/guest")]
    [TestCase("#/vhosts")]
    [TestCase("#/policies")]
    [TestCase("#/shovels")]
    [TestCase("#/definitions")]
    public async Task Every_control_has_an_accessible_name(string route)
    {
        await using (var connection = await ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("labelled", durable: false, exclusive: false, autoDelete: false);
        }

        var page = await LoginAsync();
        await GoAsync(page, route);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var unlabelled = await page.EvaluateAsync<string[]>(UnlabelledControls);
        Assert.That(unlabelled, Is.Empty);
    }

    [Test]
    public async Task The_page_is_used_with_the_keyboard_alone()
    {
        var page = await OpenAsync();
        // The login form has the focus from the start; before it comes only the skip link.
        await Assertions.Expect(page.Locator(":focus")).ToHaveAttributeAsync("id", "login-user");
        await page.Keyboard.PressAsync("Shift+Tab");
        await Assertions.Expect(page.Locator(":focus")).ToHaveTextAsync("Skip to content");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("guest");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("guest");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Overview");
        // The page moves the focus to its main region once the view has loaded its data.
        await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();

        // From the header's start the tabs follow in order: Overview, Connections, Channels, Exchanges, Queues.
        await page.Locator(".brand").ClickAsync();
        for (var i = 0; i < 5; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Assertions.Expect(page.Locator(":focus")).ToHaveTextAsync("Queues");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Queues");

        var nameHeader = page.Locator("main th").Filter(new() { HasText = "Name" });
        await Assertions.Expect(nameHeader).ToHaveAttributeAsync("aria-sort", "ascending");
        await nameHeader.GetByRole(AriaRole.Button).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(nameHeader).ToHaveAttributeAsync("aria-sort", "descending");
    }

    [Test]
    public async Task The_page_loads_in_less_than_300_ms()
    {
        var page = await OpenAsync();
        // The first load warms the server's static files; the second is what an operator waits for.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log in" })).ToBeVisibleAsync();
        var loaded = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].loadEventEnd");
        TestContext.Out.WriteLine($"load event after {loaded.ToString("F0", CultureInfo.InvariantCulture)} ms");
        Assert.That(loaded, Is.InRange(1, 300));
    }
}
