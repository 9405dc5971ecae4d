using System.Net.Sockets;

namespace AmqpBroker.InteropTests.Executable;

/// <summary>
/// The executable's command line behaves: --help and --version answer and exit 0, an unknown switch or a
/// bad value is one line and exit code 2, a port in use is one line naming the port and its switch (exit 1),
/// and RabbitMQ's container variables and ready line work as in RabbitMQ's Docker image.
/// </summary>
[TestFixture]
[OwnBrokerOnly("AMQP_URI is set: these tests start our own broker process")]
public sealed class CommandLineTests : ExecutableFixture
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Help_lists_the_switches_and_exits_0_without_starting()
    {
        var broker = Start("--help");

        Assert.That(await broker.WaitForExitAsync(Deadline), Is.Zero, broker.Output);
        Assert.That(broker.Output, Does.Contain("--port <port>").And.Contain("--management-port").And.Contain("--in-memory"));
        Assert.That(broker.Output, Does.Not.Contain("AmqpBroker ready"));
    }

    [Test]
    public async Task Version_prints_the_version_and_exits_0()
    {
        var broker = Start("--version");

        Assert.That(await broker.WaitForExitAsync(Deadline), Is.Zero, broker.Output);
        Assert.That(broker.Output.Trim(), Does.Match(@"^\d+\.\d+\.\d+"));
    }

    [TestCase(new[] { "--prot", "5999" }, "Unrecognized command or argument '--prot'")]
    [TestCase(new[] { "--port", "abc" }, "--port must be a port number from 0 to 65535, not 'abc'")]
    [TestCase(new[] { "--port", "70000" }, "--port must be a port number from 0 to 65535, not '70000'")]
    [TestCase(new[] { "--management-port", "-2" }, "--management-port must be a port number from -1 to 65535, not '-2'")]
    [TestCase(new[] { "--bind", "localhost:5672" }, "--bind must be an IP address")]
    [TestCase(new[] { "--rabbitmq-version", "3.12" }, "--rabbitmq-version must be one of 3.10, 3.13, 4.0, 4.1, 4.2, 4.3, not '3.12'")]
    [TestCase(new[] { "--product", "Rabbit" }, "--product must be AmqpBroker or RabbitMQ, not 'Rabbit'")]
    public async Task A_bad_command_line_is_one_line_and_exit_code_2(string[] args, string error)
    {
        var broker = Start(args);

        Assert.That(await broker.WaitForExitAsync(Deadline), Is.EqualTo(2), broker.Output);
        Assert.That(broker.Output.Trim(), Does.StartWith($"stderr: amqp-broker: {error}").And.Not.Contains("\n"));
    }

    [Test]
    public async Task A_port_in_use_is_one_line_naming_the_port_and_the_switch_that_moves_it()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var broker = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--management-port", "-1", "--in-memory");

        Assert.That(await broker.WaitForExitAsync(Deadline), Is.EqualTo(1), broker.Output);
        Assert.That(broker.Output.Trim(), Is.EqualTo($"stderr: amqp-broker: AMQP port {port} is already in use; choose another with --port (0 picks a free one)"));
    }

    [Test]
    public async Task RabbitMQ_container_variables_create_the_default_user_and_vhost_and_the_ready_line_is_RabbitMQs()
    {
        var broker = StartBroker(
            ["--port", "0", "--bind", "127.0.0.1", "--management-port", "-1", "--in-memory"],
            new Dictionary<string, string>
            {
                ["RABBITMQ_DEFAULT_USER"] = "app",
                ["RABBITMQ_DEFAULT_PASS"] = "s3cret",
                ["RABBITMQ_DEFAULT_VHOST"] = "apps",
            });
        var ready = await broker.WaitForReadyAsync(Deadline);

        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = ready.Port, UserName = "app", Password = "s3cret", VirtualHost = "apps" };
        await using (var connection = await factory.CreateConnectionAsync())
        {
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeclareAsync("from-the-container-user", exclusive: true);
        }

        var guest = new ConnectionFactory { HostName = "127.0.0.1", Port = ready.Port };
        await Assert.ThrowsAsync<RabbitMQ.Client.Exceptions.BrokerUnreachableException>(() => guest.CreateConnectionAsync(), "no guest when a default user is named");
        Assert.That(broker.Output, Does.Contain("Server startup complete"), "what Testcontainers' RabbitMQ module waits for");
    }

    [Test]
    public async Task The_release_strict_mode_product_cluster_name_and_a_deprecated_feature_switch_are_set_from_outside()
    {
        var broker = StartBroker(
            ["--port", "0", "--bind", "127.0.0.1", "--management-port", "-1", "--in-memory", "--rabbitmq-version", "4.3", "--strict", "--product", "RabbitMQ", "--cluster-name", "orders-test"],
            new Dictionary<string, string> { ["Broker__Settings__DeprecatedFeatures__PermitTransientNonExclusiveQueues"] = "true" });
        var ready = await broker.WaitForReadyAsync(Deadline);

        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = ready.Port };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        // 4.3 denies transient non-exclusive queues unless deprecated_features.permit.transient_nonexcl_queues is set.
        await channel.QueueDeclareAsync("transient", durable: false, exclusive: false, autoDelete: false);
        var typo = await Assert.ThrowsAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>(
            () => channel.QueueDeclareAsync("typo", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-message-tll"] = 1000 }));

        Assert.That(Encoding.UTF8.GetString((byte[])connection.ServerProperties!["product"]!), Is.EqualTo("RabbitMQ"));
        Assert.That(Encoding.UTF8.GetString((byte[])connection.ServerProperties!["version"]!), Is.EqualTo("4.3.5"));
        Assert.That(Encoding.UTF8.GetString((byte[])connection.ServerProperties!["cluster_name"]!), Is.EqualTo("orders-test"));
        Assert.That(typo.ShutdownReason?.ReplyCode, Is.EqualTo(406));
        Assert.That(typo.ShutdownReason?.ReplyText, Does.StartWith("PRECONDITION_FAILED - strict mode: RabbitMQ 4.3 would not act on 'x-message-tll'"));
    }

    private BrokerProcess Start(params string[] args) => StartBroker(args);
}
