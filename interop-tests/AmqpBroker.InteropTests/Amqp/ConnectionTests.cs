namespace AmqpBroker.InteropTests.Amqp;

/// <summary>connection.start/tune/open/close as RabbitMQ.Client sees them.</summary>
public sealed class ConnectionTests : BrokerTestBase
{
    [Test]
    public async Task Connects_and_closes_cleanly()
    {
        var connection = await ConnectAsync();
        var shutdown = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            shutdown.TrySetResult(args);
            return Task.CompletedTask;
        };
        Assert.That(connection.IsOpen, Is.True);

        await connection.CloseAsync();

        var reason = await shutdown.Task.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(connection.IsOpen, Is.False);
            Assert.That(reason.Initiator, Is.EqualTo(ShutdownInitiator.Application));
            Assert.That(reason.ReplyCode, Is.EqualTo(200));
        }
    }

    [Test]
    public async Task Server_properties_name_the_product_and_advertise_rabbitmq_capabilities()
    {
        var connection = await ConnectAsync();
        var properties = connection.ServerProperties;
        Assert.That(properties, Is.Not.Null);

        Assert.That(properties!.TryGetValue("product", out var product), Is.True, "server-properties.product");
        Assert.That(Encoding.UTF8.GetString((byte[])product!), Is.Not.Empty);
        Assert.That(properties.ContainsKey("version"), Is.True, "server-properties.version");

        Assert.That(properties.TryGetValue("capabilities", out var raw), Is.True, "server-properties.capabilities");
        var capabilities = (IDictionary<string, object?>)raw!;
        using (Assert.EnterMultipleScope())
        {
            foreach (var capability in new[]
                     {
                         "publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
                         "connection.blocked", "per_consumer_qos", "authentication_failure_close",
                     })
            {
                Assert.That(capabilities.TryGetValue(capability, out var value) ? value : null, Is.EqualTo(true), capability);
            }
        }
    }

    [Test]
    public async Task Negotiates_frame_max_and_channel_max_like_rabbitmq()
    {
        var connection = await ConnectAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(connection.FrameMax, Is.EqualTo(131_072u));
            Assert.That(connection.ChannelMax, Is.EqualTo((ushort)2047));
        }
    }

    [Test]
    public async Task Bad_password_is_refused_with_ACCESS_REFUSED()
    {
        var factory = CreateFactory();
        factory.Password = "wrong-" + Guid.NewGuid().ToString("N");

        Exception? caught = null;
        try
        {
            await using var connection = await factory.CreateConnectionAsync();
        }
        catch (BrokerUnreachableException e)
        {
            caught = e;
        }
        catch (AuthenticationFailureException e)
        {
            caught = e;
        }

        Assert.That(caught, Is.Not.Null, "connecting with a wrong password must fail");
        var authFailure = Chain(caught!).OfType<AuthenticationFailureException>().FirstOrDefault();
        Assert.That(
            authFailure,
            Is.Not.Null,
            "RabbitMQ.Client reports a definite AuthenticationFailureException only when the server closes with 403 "
            + "(authentication_failure_close); got: " + string.Join(" <- ", Chain(caught!).Select(e => $"{e.GetType().Name}: {e.Message}")));
        Assert.That(authFailure!.Message, Does.Contain("ACCESS_REFUSED"));
    }

    [Test]
    public async Task Requested_heartbeat_is_negotiated()
    {
        var connection = await ConnectAsync(f => f.RequestedHeartbeat = TimeSpan.FromSeconds(5));
        Assert.That(connection.Heartbeat, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task Closing_a_connection_closes_its_channels()
    {
        var connection = await ConnectAsync();
        var channels = new List<IChannel>();
        for (var i = 0; i < 3; i++)
        {
            channels.Add(await connection.CreateChannelAsync());
        }

        await connection.CloseAsync();

        Assert.That(channels.Select(c => c.IsOpen), Is.All.False);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
