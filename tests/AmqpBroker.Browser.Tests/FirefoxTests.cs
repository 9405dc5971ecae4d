using AmqpBroker.Browser.Tests.Support;
using AmqpBroker.Hosting;

namespace AmqpBroker.Browser.Tests;

/// <summary>
/// The page in Firefox (Debian's firefox-esr, headless, over WebDriver BiDi): log in, see the overview, find a
/// queue a client declared and published to, open its page, with no error logged by the page. The Chromium
/// fixtures test the page in depth; this one shows that nothing in it is Chromium-only. Without a Firefox on the
/// machine the fixture is ignored.
/// </summary>
[TestFixture]
public sealed class FirefoxTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private BrokerHost _broker = null!;
    private FirefoxBiDi _firefox = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (FirefoxBiDi.Find() is not { } executable)
        {
            Assert.Ignore("No Firefox found (apt-get install firefox-esr, or set FIREFOX_PATH): Firefox test skipped");
            return;
        }

        _broker = await BrokerHost.StartAsync(new BrokerOptions { Port = 0, ManagementPort = 0, Bind = "127.0.0.1", InMemory = true });
        _firefox = await FirefoxBiDi.LaunchAsync(executable, TimeSpan.FromSeconds(60));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_firefox is not null)
        {
            await _firefox.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    [Test]
    public async Task An_operator_logs_in_and_finds_a_queue_with_its_messages()
    {
        var queue = $"firefox-{Guid.NewGuid():N}"[..20];
        await using (var connection = await new ConnectionFactory { Uri = _broker.AmqpUri }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync(string.Empty, queue, "hello"u8.ToArray());
            await channel.BasicPublishAsync(string.Empty, queue, "again"u8.ToArray());
        }

        await _firefox.NavigateAsync(_broker.ManagementUri!);
        await _firefox.EvaluateAsync("""
            document.getElementById('login-user').value = 'guest';
            document.getElementById('login-password').value = 'guest';
            document.getElementById('login-form').requestSubmit();
            """);
        var overview = await _firefox.WaitForAsync("document.querySelector('main h1')?.textContent", "Overview", Patience);
        await _firefox.EvaluateAsync("location.hash = '#/queues'");
        var row = $"[...document.querySelectorAll('main tr')].find(r => [...r.querySelectorAll('a')].some(a => a.textContent === '{queue}'))";
        var listed = await _firefox.WaitForAsync($"String({row} !== undefined)", "true", Patience);
        var counted = await _firefox.WaitForAsync($"String([...{row}.cells].some(c => c.textContent.trim() === '2'))", "true", Patience);
        await _firefox.EvaluateAsync($"location.hash = '#/queues/%2F/{queue}'");
        var heading = await _firefox.WaitForAsync("document.querySelector('main h1')?.textContent", $"Queue {queue}", Patience);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(overview, Is.EqualTo("Overview"), "logged in, the overview shows");
            Assert.That(listed, Is.EqualTo("true"), "the queue is in the list");
            Assert.That(heading, Is.EqualTo($"Queue {queue}"), "its page opens");
            Assert.That(counted, Is.EqualTo("true"), "its row counts the two messages");
            Assert.That(_firefox.Errors, Is.Empty, "errors the page logged");
        }
    }
}
