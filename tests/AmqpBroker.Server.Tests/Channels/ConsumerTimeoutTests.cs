using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Channels;

/// <summary>
/// The delivery acknowledgement timeout (RabbitMQ's consumer_timeout, 5 s here) on the broker's fake clock: the
/// channel holding an unacked delivery past it is closed with RabbitMQ's 406 text; which value applies follows the
/// release (3.10 the broker's only, 3.12–4.2 the queue's argument or policy, 4.3 quorum consumers only). The
/// shared RabbitMQ 3.10.8 cannot be given a short consumer_timeout, so the text is from rabbit_channel's source.
/// </summary>
[TestFixture("3.10")]
[TestFixture("4.2")]
[TestFixture("4.3")]
public sealed class ConsumerTimeoutTests(string release) : ServerFixture
{
    private readonly VersionProfile _profile = VersionProfile.For(RabbitMqRelease.Parse(release));

    private protected override BrokerSettings Settings => new() { ConsumerTimeout = 5000, Profile = _profile };

    [Test]
    public async Task An_unacked_delivery_older_than_the_timeout_closes_its_channel_with_rabbitmqs_text()
    {
        Assume.That(_profile.ConsumerTimeoutQuorumOnly, Is.False, "4.3 watches quorum queues only");
        var client = await ClientWithUnackedGetAsync("q", []);

        AdvanceTickByTick(TimeSpan.FromSeconds(4.5));
        await client.SendMethodAsync(1, new BasicQos { PrefetchCount = 1 });
        await client.ExpectAsync<BasicQosOk>(1);
        AdvanceTickByTick(TimeSpan.FromSeconds(2));

        var close = await client.ExpectChannelCloseAsync(1, ReplyCode.PreconditionFailed);
        Assert.That(close.ReplyText, Is.EqualTo("PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: 5000 ms. This timeout value can be configured, see consumers doc guide to learn more"));
        Assert.That(Broker.FindVirtualHost("/")!.FindQueue("q")!.ReadyCount, Is.EqualTo(1), "the delivery is requeued");
    }

    [Test]
    public async Task An_acked_delivery_does_not_time_out()
    {
        var client = await ClientWithUnackedGetAsync("q", []);
        await client.SendMethodAsync(1, new BasicAck { DeliveryTag = 1 });

        // A round trip after the ack: the channel has settled it before the clock moves.
        await client.SendMethodAsync(1, new BasicQos { PrefetchCount = 1 });
        await client.ExpectAsync<BasicQosOk>(1);
        AdvanceTickByTick(TimeSpan.FromSeconds(10));
        await client.SendMethodAsync(1, new BasicQos { PrefetchCount = 1 });

        Assert.That((await client.ExpectFrameAsync()).IsMethod<BasicQosOk>(), Is.True);
    }

    [Test]
    public async Task The_queue_argument_and_policy_apply_from_3_12_the_smaller_winning()
    {
        Assume.That(_profile.ConsumerTimeoutQuorumOnly, Is.False, "4.3 watches quorum queues only");
        if (_profile.PerQueueConsumerTimeout)
        {
            Broker.PutPolicy(new Policy("/", "timeout", "^q$", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["consumer-timeout"] = 2000L }));
        }

        var client = await ClientWithUnackedGetAsync("q", new Dictionary<string, object?> { ["x-consumer-timeout"] = 1000L });

        AdvanceTickByTick(TimeSpan.FromSeconds(2.5));

        if (_profile.PerQueueConsumerTimeout)
        {
            var close = await client.ExpectChannelCloseAsync(1, ReplyCode.PreconditionFailed);
            Assert.That(close.ReplyText, Does.Contain("Timeout value used: 1000 ms."));
        }
        else
        {
            await client.SendMethodAsync(1, new BasicQos { PrefetchCount = 1 });
            Assert.That((await client.ExpectFrameAsync()).IsMethod<BasicQosOk>(), Is.True, "3.10 reads consumer_timeout only");
        }
    }

    [Test]
    public void The_consumer_timeout_policy_key_exists_from_3_12_with_rabbitmqs_reason()
    {
        Policy Timeout(object? value) => new("/", "t", ".*", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["consumer-timeout"] = value });

        if (_profile.PerQueueConsumerTimeout)
        {
            Assert.DoesNotThrow(() => Broker.PutPolicy(Timeout(10L)));
            Assert.That(() => Broker.PutPolicy(Timeout(-1L)), Throws.TypeOf<PolicyValidationException>().With.Message.EqualTo("-1 is not a valid consumer timeout"));
        }
        else
        {
            Assert.That(() => Broker.PutPolicy(Timeout(10L)), Throws.TypeOf<PolicyValidationException>().With.Message.Contains("are not recognised policy settings"));
        }
    }

    [Test]
    public async Task From_4_3_classic_queues_never_time_out()
    {
        Assume.That(_profile.ConsumerTimeoutQuorumOnly, Is.True);
        var client = await ClientWithUnackedGetAsync("q", []);

        AdvanceTickByTick(TimeSpan.FromSeconds(10));
        await client.SendMethodAsync(1, new BasicQos { PrefetchCount = 1 });

        Assert.That((await client.ExpectFrameAsync()).IsMethod<BasicQosOk>(), Is.True);
    }

    [Test]
    public async Task From_4_3_a_quorum_consumer_past_its_own_timeout_is_cancelled_and_its_message_requeued()
    {
        Assume.That(_profile.ConsumerTimeoutQuorumOnly, Is.True);
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new QueueDeclare { Queue = "qq", Durable = true, Arguments = new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } });
        await client.ExpectAsync<QueueDeclareOk>(1);
        await client.SendMethodAsync(1, new BasicConsume { Queue = "qq", ConsumerTag = "c", Arguments = new Dictionary<string, object?> { ["x-consumer-timeout"] = 1000L } });
        await client.ExpectAsync<BasicConsumeOk>(1);
        await client.PublishAsync(1, "", "qq", "m"u8.ToArray());
        await client.ExpectAsync<BasicDeliver>(1);
        await client.ReadContentAsync(1);

        AdvanceTickByTick(TimeSpan.FromSeconds(2.5));

        var cancel = await client.ExpectAsync<BasicCancel>(1);
        Assert.That(cancel.ConsumerTag, Is.EqualTo("c"));
        Assert.That(Broker.FindVirtualHost("/")!.FindQueue("qq")!.ReadyCount, Is.EqualTo(1));
    }

    /// <summary>A client on channel 1 that took one message from the durable queue <paramref name="queue"/> (4.3 deprecates transient ones) with basic.get and has not acked it.</summary>
    private async Task<TestClient> ClientWithUnackedGetAsync(string queue, Dictionary<string, object?> arguments)
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new QueueDeclare { Queue = queue, Durable = true, Arguments = arguments });
        await client.ExpectAsync<QueueDeclareOk>(1);
        await client.PublishAsync(1, "", queue, "m"u8.ToArray());
        await client.GetAsync(1, queue, noAck: false);
        return client;
    }
}
