using System.Globalization;

namespace AmqpBroker.InteropTests;

/// <summary>
/// A second client library against the same broker: tools/crosscheck/pika_routing_check.py drives topic and
/// headers routing, exchange-to-exchange bindings, an alternate exchange and a transaction through Python's
/// pika. Skipped (not passed) where no python3 with pika is installed.
/// </summary>
public sealed class CrossLanguageTests : BrokerTestBase
{
    private static readonly TimeSpan ScriptDeadline = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Pika_routing_check_passes()
    {
        var python = await PythonScripts.FindPythonAsync();
        if (python is null)
        {
            Assert.Ignore("python3-pika is not installed: the cross-language check did not run (apt-get install python3-pika)");
        }

        var script = PythonScripts.Path("pika_routing_check.py");
        Assert.That(File.Exists(script), Is.True, $"{script} is missing");
        Assert.That(AmqpUri.Host, Is.EqualTo("127.0.0.1").Or.EqualTo("localhost"), "the script connects to 127.0.0.1 with guest/guest");

        var port = AmqpUri.Port.ToString(CultureInfo.InvariantCulture);
        var (exitCode, output) = await PythonScripts.RunAsync(python!, [script, port], ScriptDeadline);
        await TestContext.Out.WriteLineAsync($"{python} {script} {port}{Environment.NewLine}{output}");

        Assert.That(exitCode, Is.Zero, $"pika_routing_check.py exited with {exitCode}:{Environment.NewLine}{output}");
        Assert.That(output, Does.Contain("all checks passed"));
    }
}
