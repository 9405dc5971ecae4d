using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Security;
using AmqpBroker.Hosting;
using AmqpBroker.Storage.Messages;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>Stops an in-process broker and starts a new one on the same data directory.</summary>
[TestFixture]
public sealed class RestartTests
{
    private string _dataDirectory = null!;

    [SetUp]
    public void CreateDataDirectory() =>
        _dataDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "amqpbroker-restart-" + Guid.NewGuid().ToString("N"))).FullName;

    [TearDown]
    public void RemoveDataDirectory() => Directory.Delete(_dataDirectory, recursive: true);

    [Test]
    public async Task Durable_topology_comes_back_and_transient_topology_does_not()
    {
        await WithBrokerAsync(async (connection, channel) =>
        {
            await channel.ExchangeDeclareAsync("durable-x", ExchangeType.Topic, durable: true);
            await channel.ExchangeDeclareAsync("transient-x", ExchangeType.Fanout, durable: false);
            await channel.QueueDeclareAsync("durable-q", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-max-length"] = 10 });
            await channel.QueueDeclareAsync("transient-q", durable: false, exclusive: false, autoDelete: false);
            await channel.QueueDeclareAsync("exclusive-durable-q", durable: true, exclusive: true, autoDelete: false);
            await channel.QueueBindAsync("durable-q", "durable-x", "a.#");
            await channel.QueueBindAsync("transient-q", "durable-x", "a.#");
            await channel.ExchangeBindAsync("durable-x", "amq.fanout", string.Empty);
        });

        await WithBrokerAsync(async (connection, channel) =>
        {
            Assert.That(await ExistsAsync(connection, c => c.ExchangeDeclarePassiveAsync("durable-x")), Is.True);
            Assert.That(await ExistsAsync(connection, c => c.ExchangeDeclarePassiveAsync("transient-x")), Is.False);
            Assert.That(await ExistsAsync(connection, c => c.QueueDeclarePassiveAsync("durable-q")), Is.True);
            Assert.That(await ExistsAsync(connection, c => c.QueueDeclarePassiveAsync("transient-q")), Is.False);
            Assert.That(await ExistsAsync(connection, c => c.QueueDeclarePassiveAsync("exclusive-durable-q")), Is.False, "exclusive queues never survive");

            var redeclare = await channel.QueueDeclareAsync("durable-q", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-max-length"] = 10 });
            Assert.That(redeclare.QueueName, Is.EqualTo("durable-q"), "the recovered queue kept its arguments");

            // Both recovered bindings route: directly through the topic exchange and via amq.fanout → durable-x.
            await channel.BasicPublishAsync("durable-x", "a.b", "direct"u8.ToArray());
            await channel.BasicPublishAsync("amq.fanout", "a.c", "via e2e"u8.ToArray());
            Assert.That(await channel.MessageCountAsync("durable-q"), Is.EqualTo(2u));
        });
    }

    [Test]
    public async Task Deleted_durable_topology_stays_deleted()
    {
        await WithBrokerAsync(async (connection, channel) =>
        {
            await channel.ExchangeDeclareAsync("x", ExchangeType.Direct, durable: true);
            await channel.QueueDeclareAsync("q", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync("q", "x", "k");
            await channel.QueueBindAsync("q", "x", "gone");
            await channel.QueueUnbindAsync("q", "x", "gone");
            await channel.QueueDeclareAsync("deleted-q", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueDeleteAsync("deleted-q");
        });

        await WithBrokerAsync(async (connection, channel) =>
        {
            Assert.That(await ExistsAsync(connection, c => c.QueueDeclarePassiveAsync("deleted-q")), Is.False);
            await channel.BasicPublishAsync("x", "gone", "unbound"u8.ToArray());
            await channel.BasicPublishAsync("x", "k", "bound"u8.ToArray());
            Assert.That(await channel.MessageCountAsync("q"), Is.EqualTo(1u));
        });
    }

    [Test]
    public async Task Persistent_messages_in_durable_queues_come_back_and_nothing_else_does()
    {
        await WithBrokerAsync(async (connection, channel) =>
        {
            await channel.QueueDeclareAsync("durable-q", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueDeclareAsync("transient-q", durable: false, exclusive: false, autoDelete: false);
            await PublishAsync(channel, "durable-q", "p1", persistent: true);
            await PublishAsync(channel, "durable-q", "t1", persistent: false);
            await PublishAsync(channel, "durable-q", "p2", persistent: true);
            await PublishAsync(channel, "transient-q", "p3", persistent: true);
        });

        await WithBrokerAsync(async (connection, channel) =>
        {
            Assert.That(await DrainAsync(channel, "durable-q"), Is.EqualTo(new[] { ("p1", false), ("p2", false) }));
            Assert.That(await ExistsAsync(connection, c => c.QueueDeclarePassiveAsync("transient-q")), Is.False);
        });
    }

    [Test]
    public async Task Delivered_but_unacked_messages_come_back_redelivered_in_order_and_acked_ones_do_not()
    {
        await WithBrokerAsync(async (connection, channel) =>
        {
            await channel.QueueDeclareAsync("q", durable: true, exclusive: false, autoDelete: false);
            for (var i = 1; i <= 4; i++)
            {
                await PublishAsync(channel, "q", $"m{i}", persistent: true);
            }

            var first = await channel.BasicGetAsync("q", autoAck: false);
            await channel.BasicAckAsync(first!.DeliveryTag, multiple: false);
            Assert.That(await channel.BasicGetAsync("q", autoAck: false), Is.Not.Null, "m2 stays unacked until the broker stops");
        });

        await WithBrokerAsync(async (connection, channel) =>
            Assert.That(await DrainAsync(channel, "q"), Is.EqualTo(new[] { ("m2", true), ("m3", false), ("m4", false) })));
    }

    [Test]
    public async Task Purged_expired_and_deleted_messages_stay_gone_and_dead_letters_are_kept()
    {
        await WithBrokerAsync(async (connection, channel) =>
        {
            await channel.QueueDeclareAsync("purged", durable: true, exclusive: false, autoDelete: false);
            await PublishAsync(channel, "purged", "before purge", persistent: true);
            await channel.QueuePurgeAsync("purged");
            await PublishAsync(channel, "purged", "after purge", persistent: true);

            await channel.QueueDeclareAsync("deleted", durable: true, exclusive: false, autoDelete: false);
            await PublishAsync(channel, "deleted", "gone with its queue", persistent: true);
            await channel.QueueDeleteAsync("deleted");
            await channel.QueueDeclareAsync("deleted", durable: true, exclusive: false, autoDelete: false);

            await channel.QueueDeclareAsync("dead-letters", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueDeclareAsync("expiring", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
            {
                ["x-message-ttl"] = 1,
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = "dead-letters",
            });
            await PublishAsync(channel, "expiring", "expires", persistent: true);
            await PollAsync(async () => await channel.MessageCountAsync("dead-letters") == 1);
        });

        await WithBrokerAsync(async (connection, channel) =>
        {
            Assert.That(await DrainAsync(channel, "purged"), Is.EqualTo(new[] { ("after purge", false) }));
            Assert.That(await channel.MessageCountAsync("deleted"), Is.Zero);
            Assert.That(await channel.MessageCountAsync("expiring"), Is.Zero);
            Assert.That(await DrainAsync(channel, "dead-letters"), Is.EqualTo(new[] { ("expires", false) }));
        });
    }

    [Test]
    public async Task Confirmed_and_committed_messages_survive()
    {
        await WithBrokerAsync(async (connection, _) =>
        {
            await using var confirming = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            await confirming.QueueDeclareAsync("q", durable: true, exclusive: false, autoDelete: false);
            await PublishAsync(confirming, "q", "confirmed", persistent: true);

            await using var transactional = await connection.CreateChannelAsync();
            await transactional.TxSelectAsync();
            await PublishAsync(transactional, "q", "committed", persistent: true);
            await PublishAsync(transactional, "q", "rolled back", persistent: true);
            await transactional.TxRollbackAsync();
            await PublishAsync(transactional, "q", "committed", persistent: true);
            await transactional.TxCommitAsync();
        });

        await WithBrokerAsync(async (connection, channel) =>
            Assert.That(await DrainAsync(channel, "q"), Is.EqualTo(new[] { ("confirmed", false), ("committed", false) })));
    }

    [Test]
    public async Task A_queue_longer_than_its_memory_limit_pages_to_its_log_and_comes_back_whole_and_in_order()
    {
        const int MemoryLimit = 10;
        var expected = new List<(string, bool)>();
        await WithBrokerAsync(
            async (connection, channel) =>
            {
                await channel.QueueDeclareAsync("long", durable: true, exclusive: false, autoDelete: false);
                for (var i = 0; i < 60; i++)
                {
                    // Every fifth is transient: it waits in memory among the paged ones and is gone after the restart.
                    await PublishAsync(channel, "long", $"m{i}", persistent: i % 5 != 4);
                }

                var unacked = await channel.BasicGetAsync("long", autoAck: false);
                Assert.That(unacked, Is.Not.Null);
                var paged = new List<(string Body, bool Redelivered)>();
                for (var i = 0; i < 45; i++)
                {
                    var got = await channel.BasicGetAsync("long", autoAck: true);
                    paged.Add((System.Text.Encoding.UTF8.GetString(got!.Body.Span), got.Redelivered));
                }

                Assert.That(paged, Is.EqualTo(Enumerable.Range(1, 45).Select(i => ($"m{i}", false))), "paged messages come back in order, transient ones in their place");
                expected.Add(("m0", true));
                expected.AddRange(Enumerable.Range(46, 14).Where(i => i % 5 != 4).Select(i => ($"m{i}", false)));
            },
            MemoryLimit);

        await WithBrokerAsync(async (_, channel) => Assert.That(await DrainAsync(channel, "long"), Is.EqualTo(expected)), MemoryLimit);
    }

    [Test]
    public async Task A_recovered_queue_longer_than_its_memory_limit_pages_the_rest()
    {
        await WithBrokerAsync(async (_, channel) =>
        {
            await channel.QueueDeclareAsync("long", durable: true, exclusive: false, autoDelete: false);
            for (var i = 0; i < 30; i++)
            {
                await PublishAsync(channel, "long", $"m{i}", persistent: true);
            }
        });

        await using var broker = await StartAsync(queueMemoryLimit: 5);
        var queue = broker.Broker.FindVirtualHost("/")!.FindQueue("long")!;
        Assert.That((queue.ReadyCount, queue.ReadyBytes), Is.EqualTo((30, 10 * 2 + 20 * 3L)), "paged messages count with their sizes");
        await using var connection = await new ConnectionFactory { Uri = broker.AmqpUri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        Assert.That(await DrainAsync(channel, "long"), Is.EqualTo(Enumerable.Range(0, 30).Select(i => ($"m{i}", false))));
    }

    [Test]
    public async Task A_message_ttl_keeps_counting_through_a_restart()
    {
        const int TtlMs = 1000;
        System.Diagnostics.Stopwatch? published = null;
        await WithBrokerAsync(async (_, channel) =>
        {
            await channel.QueueDeclareAsync("q", durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync(string.Empty, "q", mandatory: false, new BasicProperties { Persistent = true, Expiration = $"{TtlMs}" }, "expires"u8.ToArray());
            await PublishAsync(channel, "q", "stays", persistent: true);

            // Counted from when the broker certainly has the message, so its expiry lies before the end of the wait.
            Assert.That(await channel.MessageCountAsync("q"), Is.EqualTo(2u));
            published = System.Diagnostics.Stopwatch.StartNew();
        });

        // The message must reach its expiry while the broker is down; a TTL restarted at recovery would keep it.
        var remaining = TimeSpan.FromMilliseconds(TtlMs) - published!.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        await WithBrokerAsync(async (_, channel) => Assert.That(await DrainAsync(channel, "q"), Is.EqualTo(new[] { ("stays", false) })));
    }

    [Test]
    public async Task An_in_memory_broker_writes_no_files()
    {
        await using (var broker = await BrokerHost.StartAsync(new BrokerOptions { Port = 0, ManagementPort = BrokerOptions.ManagementDisabled, Bind = "127.0.0.1", DataDir = _dataDirectory, InMemory = true }))
        await using (var connection = await new ConnectionFactory { Uri = broker.AmqpUri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("q", durable: true, exclusive: false, autoDelete: false);
            await PublishAsync(channel, "q", "persistent", persistent: true);
            Assert.That(await channel.MessageCountAsync("q"), Is.EqualTo(1u));
        }

        Assert.That(Directory.EnumerateFileSystemEntries(_dataDirectory), Is.Empty);
    }

    private static async Task PublishAsync(IChannel channel, string queue, string body, bool persistent) =>
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, new BasicProperties { Persistent = persistent }, System.Text.Encoding.UTF8.GetBytes(body));

    /// <summary>Takes every message with basic.get, acking each: body and redelivered flag, in order.</summary>
    private static async Task<List<(string Body, bool Redelivered)>> DrainAsync(IChannel channel, string queue)
    {
        var messages = new List<(string, bool)>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
        {
            messages.Add((System.Text.Encoding.UTF8.GetString(got.Body.Span), got.Redelivered));
        }

        return messages;
    }

    private static async Task PollAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "condition not met in time");
            await Task.Delay(10);
        }
    }

    [Test]
    public async Task Users_permissions_vhosts_and_policies_come_back_and_apply_to_recovered_queues()
    {
        await using (var broker = await StartAsync())
        {
            broker.Broker.PutUser(new User("alice", PasswordHasher.Hash("secret"), ["monitoring"]));
            broker.Broker.AddVirtualHost("staging");
            broker.Broker.SetPermission(new Permission("alice", "staging", ".*", "^amq\\.default$", ".*"));
            broker.Broker.PutPolicy(new Policy("staging", "limit", "^orders$", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["max-length"] = 1L }));
            await using var connection = await ConnectAsync(broker, "alice", "secret", "staging");
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeclareAsync("orders", durable: true, exclusive: false, autoDelete: false);
        }

        await using (var broker = await StartAsync())
        {
            Assert.That(string.Join(",", broker.Broker.Users.Find("alice")!.Tags), Is.EqualTo("monitoring"));
            var queue = broker.Broker.FindVirtualHost("staging")!.FindQueue("orders")!;
            Assert.That((queue.PolicyName, queue.Arguments.MaxLength), Is.EqualTo(("limit", (long?)1)));

            await using var connection = await ConnectAsync(broker, "alice", "secret", "staging");
            await using var channel = await connection.CreateChannelAsync();
            await channel.BasicPublishAsync(string.Empty, "orders", "1"u8.ToArray());
            await channel.BasicPublishAsync(string.Empty, "orders", "2"u8.ToArray());
            Assert.That(await channel.MessageCountAsync("orders"), Is.EqualTo(1u), "the recovered policy limits the recovered queue");

            var refused = await Assert.CatchAsync<OperationInterruptedException>(async () => await channel.ExchangeDeclareAsync("x", ExchangeType.Fanout, arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "ae" }))!;
            Assert.That(refused?.ShutdownReason?.ReplyText, Is.EqualTo("ACCESS_REFUSED - access to exchange 'ae' in vhost 'staging' refused for user 'alice'"), "the write pattern came back too");
        }
    }

    [Test]
    public async Task Deleted_users_vhosts_permissions_and_policies_stay_deleted_and_the_default_user_is_not_recreated()
    {
        await using (var broker = await StartAsync())
        {
            broker.Broker.PutUser(new User("admin", PasswordHasher.Hash("pw"), ["administrator"]));
            broker.Broker.SetPermission(new Permission("admin", "/", ".*", ".*", ".*"));
            broker.Broker.AddVirtualHost("gone");
            broker.Broker.SetPermission(new Permission("admin", "gone", ".*", ".*", ".*"));
            await using (var connection = await ConnectAsync(broker, "admin", "pw", "gone"))
            await using (var channel = await connection.CreateChannelAsync())
            {
                await channel.QueueDeclareAsync("q", durable: true, exclusive: false, autoDelete: false);
            }

            broker.Broker.PutPolicy(new Policy("/", "dropped", ".*", PolicyApplyTo.All, 0, new Dictionary<string, object?> { ["max-length"] = 1L }));
            broker.Broker.DeletePolicy("/", "dropped");
            Assert.That(broker.Broker.DeleteVirtualHost("gone"), Is.True);
            Assert.That(broker.Broker.DeleteUser(broker.Options.Settings.DefaultUser), Is.True);
        }

        await using (var broker = await StartAsync())
        {
            Assert.That(string.Join(",", broker.Broker.Users.All.Select(u => u.Name)), Is.EqualTo("admin"), "no default user once users exist");
            Assert.That(broker.Broker.FindVirtualHost("gone"), Is.Null);
            Assert.That(broker.Broker.Permissions.Select(p => (p.User, p.VirtualHost)).Single(), Is.EqualTo(("admin", "/")));
            Assert.That(broker.Broker.Policies, Is.Empty);
            await Assert.ThatAsync(
                () => new ConnectionFactory { Uri = broker.AmqpUri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync(),
                Throws.InstanceOf<AuthenticationFailureException>().Or.InstanceOf<BrokerUnreachableException>(),
                "guest is gone");

            broker.Broker.AddVirtualHost("gone");
            broker.Broker.SetPermission(new Permission("admin", "gone", ".*", ".*", ".*"));
            await using var connection = await ConnectAsync(broker, "admin", "pw", "gone");
            await using var channel = await connection.CreateChannelAsync();
            Assert.That(await ExistsAsync(connection, c => c.QueueDeclarePassiveAsync("q")), Is.False, "the deleted vhost's queue went with it");
        }
    }

    private Task<BrokerHost> StartAsync(int queueMemoryLimit = SegmentMessageStore.DefaultInMemoryLimit) =>
        BrokerHost.StartAsync(new BrokerOptions
        {
            Port = 0,
            ManagementPort = BrokerOptions.ManagementDisabled,
            Bind = "127.0.0.1",
            DataDir = _dataDirectory,
            QueueMemoryLimit = queueMemoryLimit,
        });

    private static Task<IConnection> ConnectAsync(BrokerHost broker, string user, string password, string virtualHost) =>
        new ConnectionFactory
        {
            Uri = broker.AmqpUri,
            UserName = user,
            Password = password,
            VirtualHost = virtualHost,
            AutomaticRecoveryEnabled = false,
        }.CreateConnectionAsync();

    private async Task WithBrokerAsync(Func<IConnection, IChannel, Task> action, int queueMemoryLimit = SegmentMessageStore.DefaultInMemoryLimit)
    {
        await using var broker = await StartAsync(queueMemoryLimit);
        await using var connection = await new ConnectionFactory { Uri = broker.AmqpUri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await action(connection, channel);
    }

    private static async Task<bool> ExistsAsync(IConnection connection, Func<IChannel, Task> passiveDeclare)
    {
        var probe = await connection.CreateChannelAsync();
        try
        {
            await passiveDeclare(probe);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
        finally
        {
            await probe.DisposeAsync();
        }
    }
}
