using AmqpBroker.Core.Profiles;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Profiles;

/// <summary>
/// RabbitMQ's deprecated features <c>transient_nonexcl_queues</c> and <c>global_qos</c>: permitted by default up to 4.2,
/// denied by default in 4.3 (release-notes/4.3.0.md, deprecated features), each switchable as RabbitMQ's
/// <c>deprecated_features.permit.NAME</c> (here <see cref="DeprecatedFeatures"/>). Denied, a new queue neither durable
/// nor exclusive is refused with 541 (rabbit_amqqueue:declare at v4.3.0), and basic.qos global=true is served per
/// consumer (rabbit_channel at v4.3.0). The texts are rabbit_deprecated_features' when_denied messages, cut to 255.
/// </summary>
[TestFixture("4.2", null)]
[TestFixture("4.2", false)]
[TestFixture("4.3", null)]
[TestFixture("4.3", true)]
[OwnBrokerOnly("no 4.x broker at AMQP_URI; the 3.10 behaviour is the rest of the suite's")]
public sealed class DeprecatedFeatureTests(string release, bool? permit) : BrokerTestBase
{
    private const string DeniedByDefault =
        "INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.\nBy default, this feature is not permitted anymore.\n"
        + "The feature will be removed from a future major RabbitMQ version, regardless of the configuration; actual version to be determined.\nTo...";

    private const string DeniedByConfiguration =
        "INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.\nIts use is not permitted per the configuration (overriding the default, which is permitted):\n"
        + "    \"deprecated_features.permit.transient_nonexcl_queues = false\"\nIts use will not be permit...";

    protected override string RabbitMQVersion => release;

    private bool TransientPermitted => permit ?? Profile.TransientNonExclusiveQueuesPermitted;

    private bool GlobalQosPermitted => permit ?? Profile.GlobalQosPermitted;

    protected override BrokerOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.Settings = options.Settings with
        {
            DeprecatedFeatures = new DeprecatedFeatures { PermitTransientNonExclusiveQueues = permit, PermitGlobalQos = permit },
        };
        return options;
    }

    [Test]
    public async Task A_transient_non_exclusive_queue_is_created_only_while_permitted()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = Track(UniqueName());

        if (TransientPermitted)
        {
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
            Assert.That(await QueueExistsAsync(connection, queue), Is.True);
            return;
        }

        var reason = await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false),
            541,
            Profile.TransientNonExclusiveQueuesPermitted ? DeniedByConfiguration : DeniedByDefault);
        AssertFailedMethod(reason, 50, 10);
        Assert.That(await QueueExistsAsync(await ConnectAsync(), queue), Is.False);
    }

    [Test]
    public async Task Durable_and_exclusive_queues_are_always_created()
    {
        var channel = await OpenChannelAsync();

        var durable = await channel.QueueDeclareAsync(Track(UniqueName()), durable: true, exclusive: false, autoDelete: false);
        var exclusive = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: false);

        Assert.That(durable.QueueName, Is.Not.Empty);
        Assert.That(exclusive.QueueName, Does.StartWith("amq.gen-"));
    }

    [Test]
    public async Task Global_qos_limits_the_channel_only_while_permitted()
    {
        var channel = await OpenChannelAsync();
        var consumers = new List<CollectingConsumer>();
        await channel.BasicQosAsync(0, 1, global: true);
        for (var i = 0; i < 2; i++)
        {
            var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: false)).QueueName;
            await PublishAsync(channel, queue, "a", "b", "c");
            consumers.Add(await ConsumeAsync(channel, queue));
        }

        // Permitted: one unacked delivery for the whole channel. Denied: global=true is served as prefetch 1 per consumer.
        var expected = GlobalQosPermitted ? 1 : 2;
        Assert.That(await EventuallyAsync(() => Task.FromResult(consumers.Sum(c => c.Received) == expected)), Is.True);
        await Task.Delay(QuietPeriod);
        Assert.That(consumers.Sum(c => c.Received), Is.EqualTo(expected));
    }
}
