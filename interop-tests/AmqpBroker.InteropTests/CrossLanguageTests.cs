using System.Globalization;

namespace AmqpBroker.InteropTests;

/// <summary>
/// Other client libraries against the same broker: tools/crosscheck/pika_routing_check.py drives topic and
/// headers routing, exchange-to-exchange bindings, an alternate exchange and a transaction through Python's
/// pika; tools/crosscheck/amqplib_check.js drives confirms with properties, routing, prefetch, nack, returns, a
/// channel error, direct reply-to and purge/delete counts through Node's amqplib; tools/crosscheck/JavaClientCheck.java
/// drives confirms, prefetch, returns, a broker-side consumer cancel, a channel error, a transaction and direct
/// reply-to through the RabbitMQ Java client (the one Spring AMQP builds on); tools/crosscheck/go_client_check does
/// much the same through the RabbitMQ Go client (amqp091-go). Each is skipped (not passed) where its runtime or
/// library is not installed.
/// </summary>
public sealed class CrossLanguageTests : BrokerTestBase
{
    private static readonly TimeSpan ScriptDeadline = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Pika_routing_check_passes()
    {
        var python = await CrosscheckScripts.FindPythonAsync();
        if (python is null)
        {
            Assert.Ignore("python3-pika is not installed: the cross-language check did not run (apt-get install python3-pika)");
        }

        await CrosscheckScripts.AssertPassesAsync(python!, "pika_routing_check.py", [LoopbackPort()], ScriptDeadline);
    }

    [Test]
    public async Task Amqplib_check_passes()
    {
        var node = await CrosscheckScripts.FindNodeAsync("amqplib");
        if (node is null)
        {
            Assert.Ignore("node or amqplib is not installed: the Node.js check did not run (apt-get install nodejs npm; npm ci in tools/crosscheck)");
        }

        await CrosscheckScripts.AssertPassesAsync(node!, "amqplib_check.js", [LoopbackPort()], ScriptDeadline);
    }

    [Test]
    public async Task Java_client_check_passes()
    {
        var classPath = await CrosscheckScripts.FindJavaClientClassPathAsync();
        if (classPath is null)
        {
            Assert.Ignore("java or librabbitmq-client-java is not installed: the Java client check did not run (apt-get install default-jdk-headless librabbitmq-client-java)");
        }

        await CrosscheckScripts.AssertPassesAsync("java", "JavaClientCheck.java", [LoopbackPort()], ScriptDeadline, ["-cp", classPath!]);
    }

    [Test]
    public async Task Go_client_check_passes()
    {
        var goRun = await CrosscheckScripts.FindGoClientAsync();
        if (goRun is null)
        {
            Assert.Ignore("go or the amqp091-go client is not installed: the Go client check did not run (apt-get install golang-go golang-github-rabbitmq-amqp091-go-dev)");
        }

        await CrosscheckScripts.AssertPassesAsync("env", "go_client_check/main.go", [LoopbackPort()], ScriptDeadline, goRun);
    }

    /// <summary>The broker's port; the scripts connect to 127.0.0.1 with guest/guest.</summary>
    private string LoopbackPort()
    {
        Assert.That(AmqpUri.Host, Is.EqualTo("127.0.0.1").Or.EqualTo("localhost"), "the script connects to 127.0.0.1 with guest/guest");
        return AmqpUri.Port.ToString(CultureInfo.InvariantCulture);
    }
}
