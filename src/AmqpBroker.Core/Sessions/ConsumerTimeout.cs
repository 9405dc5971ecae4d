using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Core.Sessions;

/// <summary>
/// RabbitMQ's delivery acknowledgement timeout: how long a delivery may stay unacked before its channel is
/// closed (or, for quorum queues from 4.3, its consumer cancelled). Which value applies follows the release:
/// <list type="bullet">
/// <item>3.10/3.11: the broker's <c>consumer_timeout</c> only (rabbit_channel:get_consumer_timeout at v3.11.0).</item>
/// <item>3.12–4.2: the queue's <c>x-consumer-timeout</c> argument and <c>consumer-timeout</c> policy key, the smaller of
/// the two, replace the broker's value (rabbit_channel:get_queue_consumer_timeout at v3.12.0 and v4.2.0).</item>
/// <item>4.3: quorum queues only; the consumer's <c>x-consumer-timeout</c> argument wins, then the queue's value, then the
/// broker's (release-notes/4.3.0.md, breaking changes; rabbit_queue_type:get_consumer_timeout at v4.3.0).</item>
/// </list>
/// The close text is RabbitMQ's (rabbit_channel:handle_consumer_timed_out).
/// </summary>
/// <param name="brokerTimeout">The broker's <c>consumer_timeout</c> in milliseconds; 0 or less turns it off.</param>
/// <param name="profile">The release whose rules apply.</param>
/// <param name="time">The broker's clock, which stamped the deliveries.</param>
public sealed class ConsumerTimeout(long brokerTimeout, VersionProfile profile, TimeProvider time)
{
    public const string ArgumentName = "x-consumer-timeout";
    public const string PolicyKey = "consumer-timeout";

    /// <summary>The value RabbitMQ 4.3 names when a timed-out quorum consumer cannot be told with basic.cancel.</summary>
    public const long UnknownTimeout = -1;

    /// <summary>Whether deliveries from this queue time out at all (4.3: quorum queues only).</summary>
    public bool Watches(UnackedDelivery delivery) => !profile.ConsumerTimeoutQuorumOnly || delivery.Queue.TypeName == "quorum";

    /// <summary>Whether a timed-out consumer is cancelled (its client told with basic.cancel) rather than its channel closed.</summary>
    public bool CancelsConsumer => profile.ConsumerTimeoutQuorumOnly;

    /// <summary>The timeout in milliseconds <paramref name="delivery"/> has expired, or null while it has not (or has none).</summary>
    public long? Expired(in UnackedDelivery delivery)
    {
        if (!Watches(delivery) || For(delivery) is not { } timeout)
        {
            return null;
        }

        return time.GetElapsedTime(delivery.DeliveredAt).TotalMilliseconds > timeout ? timeout : null;
    }

    /// <summary>RabbitMQ's channel.close text (406 PRECONDITION_FAILED).</summary>
    public static string CloseText(ushort channel, long timeout) =>
        $"delivery acknowledgement on channel {channel} timed out. Timeout value used: {timeout} ms. This timeout value can be configured, see consumers doc guide to learn more";

    private long? For(in UnackedDelivery delivery)
    {
        if (profile.ConsumerTimeoutQuorumOnly && Milliseconds(delivery.Consumer?.Arguments.GetValueOrDefault(ArgumentName)) is { } consumer)
        {
            return consumer;
        }

        if (profile.PerQueueConsumerTimeout && QueueTimeout(delivery.Queue) is { } queue)
        {
            return queue;
        }

        return brokerTimeout > 0 ? brokerTimeout : null;
    }

    /// <summary>rabbit_queue_type_util:args_policy_lookup: the smaller of the argument and the policy's value, or whichever is set.</summary>
    private static long? QueueTimeout(Queues.Queue queue)
    {
        var argument = Milliseconds(queue.Definition.Arguments.GetValueOrDefault(ArgumentName));
        var policy = Milliseconds(queue.Policy?.Definition.GetValueOrDefault(PolicyKey));
        return argument is { } a && policy is { } p ? Math.Min(a, p) : argument ?? policy;
    }

    private static long? Milliseconds(object? value) => IntegerValues.TryGet(value, out var integer) && integer >= 0 ? integer : null;
}
