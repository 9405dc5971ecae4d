using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AmqpBroker.Testing.Tests.Support;

namespace AmqpBroker.Testing.Tests;

/// <summary>
/// BrokerOptions' defaults suit tests: free ports on loopback and everything in memory, so a broker starts
/// even while RabbitMQ's own ports are taken; disposing a broker closes its clients at once.
/// </summary>
[TestFixture]
public sealed class DefaultsTests
{
    [Test]
    public async Task Default_options_start_on_free_loopback_ports_in_memory_while_RabbitMQs_ports_are_taken()
    {
        using var amqp = Occupy(5672);
        using var management = Occupy(15672);
        using var prometheus = Occupy(15692);

        await using var broker = await BrokerHost.StartAsync(new BrokerOptions());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(broker.AmqpEndPoint.Address, Is.EqualTo(IPAddress.Loopback));
            Assert.That(broker.AmqpEndPoint.Port, Is.Not.EqualTo(5672).And.Positive);
            Assert.That(broker.ManagementEndPoint?.Port, Is.Not.EqualTo(15672).And.Positive);
            Assert.That(broker.PrometheusEndPoint?.Port, Is.Not.EqualTo(15692).And.Positive);
            Assert.That(broker.Options.InMemory, Is.True);
            Assert.That(broker.Options.DataDir, Is.Null);
        }

        await using var connection = await Client.ConnectAsync(broker.AmqpUri);
        Assert.That(connection.IsOpen, Is.True);
    }

    [Test]
    public void Setting_a_data_directory_keeps_state_there_unless_told_otherwise()
    {
        var options = new BrokerOptions { DataDir = "somewhere" };
        Assert.That(options.InMemory, Is.False);

        options.InMemory = true;
        Assert.That(options.InMemory, Is.True, "an explicit choice wins");
    }

    [Test]
    public async Task Disposing_a_broker_closes_its_clients_with_320_at_once()
    {
        var broker = await BrokerHost.StartAsync(new BrokerOptions());
        await using var connection = await Client.ConnectAsync(broker.AmqpUri);
        var closed = Client.ClosedAsync(connection);

        var stopping = Stopwatch.StartNew();
        await broker.DisposeAsync();
        stopping.Stop();

        var reason = await closed;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(320));
            Assert.That(reason.ReplyText, Is.EqualTo("CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'"));
            Assert.That(stopping.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "the close-ok ends the wait, not a grace period");
        }
    }

    /// <summary>Holds <paramref name="port"/> on loopback for the test, or nothing when someone else already does.</summary>
    private static TcpListener? Occupy(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Dispose();
            return null;
        }
    }
}
