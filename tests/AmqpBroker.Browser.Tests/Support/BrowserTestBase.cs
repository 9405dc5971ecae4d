using System.Text.RegularExpressions;
using AmqpBroker.Hosting;

namespace AmqpBroker.Browser.Tests.Support;

/// <summary>
/// A fixture's broker (in memory, ephemeral ports) and a headless Chromium driven by Playwright. Each test
/// gets its own browser context (no shared cookies or storage) and a page logged in through the login form.
/// Without a Chromium on the machine the fixture is ignored, so the rest of the suite still runs.
/// </summary>
public abstract class BrowserTestBase
{
    /// <summary>How long an expectation waits: two of the page's 5-second refreshes and some slack.</summary>
    protected const float ExpectTimeoutMs = 15_000;

    private IPlaywright? _playwright;
    private readonly List<IBrowserContext> _contexts = [];

    protected BrokerHost Broker { get; private set; } = null!;

    protected IBrowser Browser { get; private set; } = null!;

    protected Uri PageUri => Broker.ManagementUri!;

    [OneTimeSetUp]
    public async Task StartBrokerAndBrowserAsync()
    {
        var executable = Chromium.Find();
        if (executable is null)
        {
            Assert.Ignore("No Chromium found (apt-get install chromium, or set CHROMIUM_PATH): browser tests skipped");
        }

        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        Broker = await BrokerHost.StartAsync(new BrokerOptions { Port = 0, ManagementPort = 0, Bind = "127.0.0.1", InMemory = true });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = Chromium.Arguments,
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
    }

    [TearDown]
    public async Task CloseContextsAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        _contexts.Clear();
    }

    /// <summary>A fresh page (own context) at the login form.</summary>
    protected async Task<IPage> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = PageUri.ToString(),
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        context.SetDefaultTimeout(ExpectTimeoutMs);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => TestContext.Out.WriteLine($"page error: {error}");
        page.Console += (_, message) => TestContext.Out.WriteLine($"console {message.Type}: {message.Text}");
        await page.GotoAsync("/");
        return page;
    }

    /// <summary>A fresh page logged in as <paramref name="user"/>, showing the overview.</summary>
    protected async Task<IPage> LoginAsync(string user = "guest", string password = "guest")
    {
        var page = await OpenAsync();
        await page.GetByLabel("Username").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log out" })).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Goes to a page of the UI by its hash route, e.g. "#/queues".</summary>
    protected static async Task GoAsync(IPage page, string hash)
    {
        await page.EvaluateAsync("hash => { location.hash = hash; }", hash);
        await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
    }

    /// <summary>An AMQP connection to the fixture's broker, closed by the caller.</summary>
    protected async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = Broker.AmqpUri }.CreateConnectionAsync();

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>The section (panel) whose heading is <paramref name="title"/>.</summary>
    protected static ILocator Section(IPage page, string title) =>
        page.Locator("section.panel").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true }) });

    protected static Regex Exactly(string text) => new($"^{Regex.Escape(text)}$");
}
