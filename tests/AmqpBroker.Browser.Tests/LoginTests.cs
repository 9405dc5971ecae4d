using AmqpBroker.Browser.Tests.Support;
using AmqpBroker.Core.Alarms;

namespace AmqpBroker.Browser.Tests;

/// <summary>Logging in with the broker's users over HTTP Basic, logging out, what the page keeps, and the overview's alarms.</summary>
[TestFixture]
public sealed class LoginTests : BrowserTestBase
{
    [Test]
    public async Task Guest_logs_in_sees_the_overview_and_logs_out()
    {
        var page = await LoginAsync();
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Overview");
        await Assertions.Expect(page.Locator("#whoami")).ToHaveTextAsync("guest");
        await Assertions.Expect(Section(page, "Listeners")).ToContainTextAsync(Broker.AmqpEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in to AmqpBroker" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#login-error")).ToHaveTextAsync("You are logged out.");
    }

    [Test]
    public async Task A_resource_alarm_is_shown_in_red_on_the_overview_until_it_clears()
    {
        var page = await LoginAsync();
        Broker.Broker.Alarm.Raise(AlarmResource.Memory);
        try
        {
            var alarm = page.Locator(".alarm");
            await Assertions.Expect(alarm).ToContainTextAsync("memory alarm on amqpbroker@");
            await Assertions.Expect(alarm).ToHaveCSSAsync("background-color", "rgb(176, 0, 32)");
        }
        finally
        {
            Broker.Broker.Alarm.Clear(AlarmResource.Memory);
        }

        await Assertions.Expect(page.Locator(".alarm")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task A_wrong_password_is_refused_on_the_form()
    {
        var page = await OpenAsync();
        await page.GetByLabel("Username").FillAsync("guest");
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("Login failed");
        await Assertions.Expect(page.Locator("header.top")).ToBeHiddenAsync();
    }

    [Test]
    public async Task The_page_keeps_no_credentials_in_storage_or_cookies()
    {
        var page = await LoginAsync();
        var stored = await page.EvaluateAsync<string>(
            "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])");
        var cookies = await page.Context.CookiesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(stored, Is.EqualTo("[[],[],\"\"]"));
            Assert.That(cookies, Is.Empty);
        });

        // A reload forgets the login: the credentials lived only in the page's memory.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in to AmqpBroker" })).ToBeVisibleAsync();
    }
}
