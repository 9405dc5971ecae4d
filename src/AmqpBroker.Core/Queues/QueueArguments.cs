using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Policies;

namespace AmqpBroker.Core.Queues;

public enum OverflowBehaviour
{
    DropHead,
    RejectPublish,
    RejectPublishDeadLetter,
}

/// <summary>x-dead-letter-strategy of a quorum queue: RabbitMQ's at-most-once (the default) or at-least-once.</summary>
public enum DeadLetterStrategy
{
    AtMostOnce,
    AtLeastOnce,
}

/// <summary>
/// A queue's x-arguments, typed once they passed its type's validation (<see cref="QueueArgumentRules"/>).
/// An argument a type does not have stays at its default here.
/// </summary>
public sealed record QueueArguments
{
    public static readonly QueueArguments None = new();

    /// <summary>x-message-ttl in milliseconds.</summary>
    public long? MessageTtl { get; init; }

    /// <summary>x-expires in milliseconds: the queue is deleted after being unused this long.</summary>
    public long? Expires { get; init; }

    public long? MaxLength { get; init; }

    public long? MaxLengthBytes { get; init; }

    public OverflowBehaviour Overflow { get; init; }

    public string? DeadLetterExchange { get; init; }

    public string? DeadLetterRoutingKey { get; init; }

    /// <summary>x-dead-letter-strategy (quorum queues).</summary>
    public DeadLetterStrategy DeadLetterStrategy { get; init; }

    /// <summary>x-max-priority: 1..255, or null for a plain FIFO queue.</summary>
    public byte? MaxPriority { get; init; }

    public bool SingleActiveConsumer { get; init; }

    /// <summary>The delivery limit in force (quorum queues): returns allowed before a message is dead-lettered or dropped; null for none.</summary>
    public long? DeliveryLimit { get; init; }

    /// <summary>x-delayed-retry-type, -min and -max (quorum queues, RabbitMQ 4.3): returns wait before they are ready again; null for none.</summary>
    public Quorum.DelayedRetry? DelayedRetry { get; init; }

    /// <summary>x-queue-mode "lazy": a durable queue pages persistent messages out from the first, not beyond its in-memory limit.</summary>
    public bool Lazy { get; init; }

    /// <summary>x-max-age of a stream in milliseconds: segments whose messages are all older go.</summary>
    public long? MaxAgeMs { get; init; }

    /// <summary>x-stream-max-segment-size-bytes: where a stream starts a new segment.</summary>
    public long? MaxSegmentSizeBytes { get; init; }

    public bool HasLengthLimit => MaxLength is not null || MaxLengthBytes is not null;

    /// <summary>x-delivery-limit as declared, which the queue's type combines with a policy's into <see cref="DeliveryLimit"/>.</summary>
    internal long? DeliveryLimitArgument { get; init; }

    /// <summary>Whether x-overflow was given: only then does it override a policy's overflow.</summary>
    internal bool OverflowDeclared { get; init; }

    /// <summary>Whether x-queue-mode was given: it overrides a policy's queue-mode, as in RabbitMQ.</summary>
    internal bool QueueModeDeclared { get; init; }

    /// <summary>The release ignores queue modes (3.12+): neither the argument nor a policy's queue-mode makes the queue lazy.</summary>
    private bool QueueModeIgnored { get; init; }

    /// <summary>Whether x-dead-letter-strategy was given: it overrides a policy's dead-letter-strategy.</summary>
    internal bool DeadLetterStrategyDeclared { get; init; }

    /// <summary>
    /// These declared arguments combined with a policy's settings as RabbitMQ combines them, key by key: for
    /// message TTL, expiry, the length limits and a stream's retention the lower value wins (the delivery limit is
    /// the quorum type's to combine);
    /// for the dead-letter exchange, its routing key and strategy, overflow and queue mode the queue's own
    /// argument wins over the policy. The queue's type first drops the keys it does not have.
    /// </summary>
    internal QueueArguments WithPolicy(PolicySettings? policy) => policy is null ? this : this with
    {
        MessageTtl = Lower(MessageTtl, policy.MessageTtl),
        Expires = Lower(Expires, policy.Expires),
        MaxLength = Lower(MaxLength, policy.MaxLength),
        MaxLengthBytes = Lower(MaxLengthBytes, policy.MaxLengthBytes),
        MaxAgeMs = Lower(MaxAgeMs, policy.MaxAgeMs),
        MaxSegmentSizeBytes = Lower(MaxSegmentSizeBytes, policy.MaxSegmentSizeBytes),
        Overflow = OverflowDeclared ? Overflow : policy.Overflow ?? Overflow,
        DeadLetterExchange = DeadLetterExchange ?? policy.DeadLetterExchange,
        DeadLetterRoutingKey = DeadLetterRoutingKey ?? policy.DeadLetterRoutingKey,
        DeadLetterStrategy = DeadLetterStrategyDeclared ? DeadLetterStrategy : policy.DeadLetterStrategy ?? DeadLetterStrategy,
        Lazy = !QueueModeIgnored && (QueueModeDeclared ? Lazy : policy.Lazy ?? Lazy),
    };

    /// <summary>
    /// These arguments on a release where classic queues page by themselves (RabbitMQ 3.12+): <c>x-queue-mode</c> is
    /// still validated, but neither it nor a policy's <c>queue-mode</c> makes the queue lazy.
    /// </summary>
    internal QueueArguments WithoutQueueMode() => this with { Lazy = false, QueueModeIgnored = true };

    private static long? Lower(long? argument, long? policy) =>
        argument is { } a && policy is { } p ? Math.Min(a, p) : argument ?? policy;

    /// <summary>How RabbitMQ names a queue in its messages: <c>queue 'q' in vhost '/'</c>.</summary>
    internal static string Describe(QueueDefinition definition) => $"queue '{definition.Name}' in vhost '{definition.VirtualHost}'";

    /// <summary>RabbitMQ's 406 for a bad argument: <c>invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_negative,-1}</c>.</summary>
    internal static AmqpException Invalid(string name, string queueDescription, string error) =>
        AmqpException.PreconditionFailed($"invalid arg '{name}' for {queueDescription}: {error}");
}
