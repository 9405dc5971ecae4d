using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Security;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>Stops an in-process broker and starts a new one on the same data directory: what comes back and what does not.</summary>
public sealed class RestartTests : RestartFixture
{
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
            Assert.That(await PassiveDeclare.ExchangeExistsAsync(connection, "durable-x"), Is.True);
            Assert.That(await PassiveDeclare.ExchangeExistsAsync(connection, "transient-x"), Is.False);
            Assert.That(await PassiveDeclare.QueueExistsAsync(connection, "durable-q"), Is.True);
            Assert.That(await PassiveDeclare.QueueExistsAsync(connection, "transient-q"), Is.False);
            Assert.That(await PassiveDeclare.QueueExistsAsync(connection, "exclusive-durable-q"), Is.False, "exclusive queues never survive");

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
            Assert.That(await PassiveDeclare.QueueExistsAsync(connection, "deleted-q"), Is.False);
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
            Assert.That(await PassiveDeclare.QueueExistsAsync(connection, "transient-q"), Is.False);
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
    public async Task An_in_memory_broker_writes_no_files()
    {
        await using (var broker = await BrokerHost.StartAsync(new BrokerOptions { Port = 0, ManagementPort = BrokerOptions.ManagementDisabled, Bind = "127.0.0.1", DataDir = DataDirectory, InMemory = true }))
        await using (var connection = await new ConnectionFactory { Uri = broker.AmqpUri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("q", durable: true, exclusive: false, autoDelete: false);
            await PublishAsync(channel, "q", "persistent", persistent: true);
            Assert.That(await channel.MessageCountAsync("q"), Is.EqualTo(1u));
        }

        Assert.That(Directory.EnumerateFileSystemEntries(DataDirectory), Is.Empty);
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
            Assert.That(refused?.ShutdownReason?.ReplyText, Is.EqualTo("ACCESS_REFUSED - write access to exchange 'ae' in vhost 'staging' refused for user 'alice'"), "the write pattern came back too");
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
            Assert.That(await PassiveDeclare.QueueExistsAsync(connection, "q"), Is.False, "the deleted vhost's queue went with it");
        }
    }

    /// <summary>Operator policies are runtime parameters (rabbit_policy.erl registers component operator_policy), stored with the definitions.</summary>
    [Test]
    public async Task Operator_policies_come_back_and_cap_recovered_queues()
    {
        await using (var broker = await StartAsync())
        {
            broker.Broker.PutPolicy(new Policy("/", "limit", "^orders$", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["max-length"] = 5L }));
            broker.Broker.Parameters.Put(Core.Parameters.RuntimeParameter.FromJson(
                OperatorPolicies.Component, "/", "cap", """{"pattern":"^orders$","definition":{"max-length":1},"priority":0,"apply-to":"queues"}"""));
            await using var connection = await ConnectAsync(broker, "guest", "guest", "/");
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeclareAsync("orders", durable: true, exclusive: false, autoDelete: false);
        }

        await using (var broker = await StartAsync())
        {
            var queue = broker.Broker.FindVirtualHost("/")!.FindQueue("orders")!;
            Assert.That((queue.PolicyName, queue.OperatorPolicy?.Name, queue.Arguments.MaxLength), Is.EqualTo(("limit", "cap", (long?)1)));
        }
    }
}
