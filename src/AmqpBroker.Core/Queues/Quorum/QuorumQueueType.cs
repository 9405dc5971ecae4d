using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Quorum;

/// <summary>
/// RabbitMQ's quorum queue on a single node (rabbit_quorum_queue): durable, non-exclusive, not auto-delete and
/// never server-named; the quorum arguments (delivery limit, dead-letter strategy; group sizes and leader locator
/// accepted and meaningless on one node); <c>reject-publish-dlx</c> accepted and run as drop-head; every message
/// logged whatever its delivery mode. What differs between releases (the default delivery limit, priorities,
/// delivery counting) comes from the <see cref="VersionProfile"/>.
/// </summary>
internal sealed class QuorumQueueType(QueueTypeCapabilities capabilities, KnownArguments known, VersionProfile profile) : IQueueType
{
    private const string DeliveryLimitArgument = "x-delivery-limit";

    public string Name => "quorum";

    public QueueTypeCapabilities Capabilities => capabilities;

    public bool Allows(QueueDefinition definition) => ReplicatedTypeRules.Allows(definition);

    public QueueArguments Validate(QueueDefinition definition, bool serverNamed)
    {
        var parsed = QueueArgumentRules.Parse(definition, capabilities, known);
        ReplicatedTypeRules.CheckProperties(definition);

        // x-delivery-limit has no validator in RabbitMQ: an integer is the limit, anything else none.
        var limit = definition.Arguments.TryGetValue(DeliveryLimitArgument, out var value) && IntegerValues.TryGet(value, out var integer) ? integer : (long?)null;
        // Nor have the delayed retry arguments: what does not make a configuration disables it.
        var delayedRetry = profile.QuorumDelayedRetry ? DelayedRetry.From(definition.Arguments) : null;
        return Quorum(parsed with { DeliveryLimitArgument = limit, DelayedRetry = delayedRetry }, policyLimit: null);
    }

    /// <summary>rabbit_quorum_queue's unsupported_policies: classic and stream keys do not apply.</summary>
    public QueueArguments WithPolicy(QueueArguments declared, PolicySettings? policy)
    {
        var applicable = policy is null ? null : policy with { Lazy = null, MaxAgeMs = null, MaxSegmentSizeBytes = null };
        return Quorum(declared.WithPolicy(applicable), applicable?.DeliveryLimit);
    }

    /// <summary>
    /// basic.qos global=true is RabbitMQ's channel limiter, which quorum queues do not support (a connection
    /// error). Where global qos is not permitted (4.3's default) the channel serves global=true per consumer and
    /// sets no channel prefetch, so the check only meets the limiter where it exists.
    /// </summary>
    public void CheckConsume(Queue queue, in ConsumeRequest request)
    {
        ConsumerArgumentRules.Check(queue, request.Arguments, capabilities, known);
        if (request.ChannelPrefetch > 0)
        {
            throw AmqpException.NotImplemented($"{QueueArguments.Describe(queue.Definition)} does not support global qos");
        }
    }

    public Queue Create(QueueDefinition definition, QueueArguments arguments, QueueContext context, out IReadOnlyList<RecoveredEntry> recovered)
    {
        var log = context.Messages.OpenQueue(definition.VirtualHost, definition.Name, out recovered);
        return new QuorumQueue(definition, arguments, context, log);
    }

    /// <summary>The arguments as a quorum queue runs them: its delivery limit, and reject-publish-dlx as drop-head.</summary>
    private QueueArguments Quorum(QueueArguments arguments, long? policyLimit) => arguments with
    {
        DeliveryLimit = DeliveryLimit(arguments.DeliveryLimitArgument, policyLimit),
        Overflow = arguments.Overflow == OverflowBehaviour.RejectPublishDeadLetter ? OverflowBehaviour.DropHead : arguments.Overflow,
    };

    /// <summary>
    /// 3.x: the lower of argument and policy (rabbit_quorum_queue args_policy_lookup with min); a negative
    /// limit is exceeded by the first return. 4.0+: without either the default 20; with both the lower, but the
    /// higher when one is negative; a negative result disables the limit (rabbit_quorum_queue:resolve_delivery_limit).
    /// </summary>
    private long? DeliveryLimit(long? argument, long? policy)
    {
        if (profile.QuorumDefaultDeliveryLimit is not { } fallback)
        {
            return argument is { } a && policy is { } p ? Math.Min(a, p) : argument ?? policy;
        }

        var limit = (argument, policy) switch
        {
            ({ } a, { } p) => a < 0 || p < 0 ? Math.Max(a, p) : Math.Min(a, p),
            _ => argument ?? policy ?? fallback,
        };
        return limit < 0 ? null : limit;
    }
}
