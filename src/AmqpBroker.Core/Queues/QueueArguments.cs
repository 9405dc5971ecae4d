using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Policies;

namespace AmqpBroker.Core.Queues;

public enum OverflowBehaviour
{
    DropHead,
    RejectPublish,
    RejectPublishDeadLetter,
}

/// <summary>
/// A queue's x-arguments, validated once at declare time with RabbitMQ's rules and its 406 texts
/// (<c>invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_negative,-1}</c>).
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

    /// <summary>x-max-priority: 1..255, or null for a plain FIFO queue.</summary>
    public byte? MaxPriority { get; init; }

    public bool SingleActiveConsumer { get; init; }

    /// <summary>x-delivery-limit: redeliveries allowed before a message is dead-lettered or dropped.</summary>
    public long? DeliveryLimit { get; init; }

    /// <summary>x-queue-mode "lazy": a durable queue pages persistent messages out from the first, not beyond its in-memory limit.</summary>
    public bool Lazy { get; init; }

    public bool HasLengthLimit => MaxLength is not null || MaxLengthBytes is not null;

    /// <summary>Whether x-overflow was given: only then does it override a policy's overflow.</summary>
    private bool OverflowDeclared { get; init; }

    /// <summary>Whether x-queue-mode was given: it overrides a policy's queue-mode, as in RabbitMQ.</summary>
    private bool QueueModeDeclared { get; init; }

    /// <summary>The release ignores queue modes (3.12+): neither the argument nor a policy's queue-mode makes the queue lazy.</summary>
    private bool QueueModeIgnored { get; init; }

    public static QueueArguments Parse(IReadOnlyDictionary<string, object?> arguments, string queueDescription)
    {
        if (arguments.Count == 0)
        {
            return None;
        }

        var parser = new Parser(arguments, queueDescription);
        CheckQueueMode(parser);
        var parsed = new QueueArguments
        {
            MessageTtl = parser.NonNegative("x-message-ttl"),
            Expires = parser.Positive("x-expires"),
            MaxLength = parser.NonNegative("x-max-length"),
            MaxLengthBytes = parser.NonNegative("x-max-length-bytes"),
            Overflow = parser.Overflow("x-overflow"),
            OverflowDeclared = arguments.ContainsKey("x-overflow"),
            DeadLetterExchange = parser.ExchangeName("x-dead-letter-exchange"),
            DeadLetterRoutingKey = parser.String("x-dead-letter-routing-key"),
            MaxPriority = parser.Priority("x-max-priority"),
            SingleActiveConsumer = parser.Boolean("x-single-active-consumer"),
            DeliveryLimit = parser.NonNegative("x-delivery-limit"),
            Lazy = parser.String("x-queue-mode") == "lazy",
            QueueModeDeclared = arguments.ContainsKey("x-queue-mode"),
        };
        if (parsed.DeadLetterRoutingKey is not null && parsed.DeadLetterExchange is null)
        {
            throw parser.Invalid("x-dead-letter-routing-key", "routing_key_but_no_dlx_defined");
        }

        return parsed;
    }

    /// <summary>
    /// These declared arguments combined with a policy's settings as RabbitMQ 3.10 combines them, key by key:
    /// for message TTL, expiry, the length limits and the delivery limit the lower value wins; for the
    /// dead-letter exchange, its routing key, overflow and queue mode the queue's own argument wins over the policy.
    /// </summary>
    internal QueueArguments WithPolicy(PolicySettings? policy) => policy is null ? this : this with
    {
        MessageTtl = Lower(MessageTtl, policy.MessageTtl),
        Expires = Lower(Expires, policy.Expires),
        MaxLength = Lower(MaxLength, policy.MaxLength),
        MaxLengthBytes = Lower(MaxLengthBytes, policy.MaxLengthBytes),
        DeliveryLimit = Lower(DeliveryLimit, policy.DeliveryLimit),
        Overflow = OverflowDeclared ? Overflow : policy.Overflow ?? Overflow,
        DeadLetterExchange = DeadLetterExchange ?? policy.DeadLetterExchange,
        DeadLetterRoutingKey = DeadLetterRoutingKey ?? policy.DeadLetterRoutingKey,
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

    /// <summary>"lazy" and "default" are RabbitMQ's queue modes; anything else is refused.</summary>
    private static void CheckQueueMode(Parser parser)
    {
        if (parser.String("x-queue-mode") is { } mode and not ("default" or "lazy"))
        {
            throw parser.Invalid("x-queue-mode", $"\"unsupported queue mode '{mode}'\"");
        }
    }

    private readonly struct Parser(IReadOnlyDictionary<string, object?> arguments, string queueDescription)
    {
        public long? NonNegative(string name)
        {
            var value = Integer(name);
            return value < 0 ? throw Invalid(name, $"{{value_negative,{value}}}") : value;
        }

        public long? Positive(string name)
        {
            var value = Integer(name);
            return value <= 0 ? throw Invalid(name, value == 0 ? "{value_zero,0}" : $"{{value_negative,{value}}}") : value;
        }

        public byte? Priority(string name) => NonNegative(name) switch
        {
            null => null,
            > 255 and var value => throw Invalid(name, $"{{max_value_exceeded,{value}}}"),
            var value => (byte)value.Value,
        };

        public bool Boolean(string name) => Lookup(name) switch
        {
            (false, _) => false,
            (true, bool value) => value,
            (true, var other) => throw Invalid(name, $"{{unacceptable_type,{ErlangTerms.TypeName(other)}}}"),
        };

        public string? String(string name) => Lookup(name) switch
        {
            (false, _) => null,
            (true, string value) => value,
            (true, var other) => throw Invalid(name, $"{{unacceptable_type,{ErlangTerms.TypeName(other)}}}"),
        };

        /// <summary>RabbitMQ words a bad exchange-name argument differently from its other type errors.</summary>
        public string? ExchangeName(string name) => Lookup(name) switch
        {
            (false, _) => null,
            (true, string value) => value,
            (true, var other) => throw AmqpException.PreconditionFailed(
                $"invalid type '{ErlangTerms.TypeName(other)}' for arg '{name}' in {queueDescription}"),
        };

        public OverflowBehaviour Overflow(string name) => String(name) switch
        {
            null or "drop-head" => OverflowBehaviour.DropHead,
            "reject-publish" => OverflowBehaviour.RejectPublish,
            "reject-publish-dlx" => OverflowBehaviour.RejectPublishDeadLetter,
            _ => throw Invalid(name, "invalid_overflow"),
        };

        public AmqpException Invalid(string name, string error) => QueueArguments.Invalid(name, queueDescription, error);

        private long? Integer(string name) => Lookup(name) switch
        {
            (false, _) => null,
            (true, var value) when IntegerValues.TryGet(value, out var integer) => integer,
            (true, var other) => throw Invalid(name, $"\"expected integer, got {ErlangTerms.TypeName(other)}\""),
        };

        /// <summary>An argument sent as void is present and of the wrong type, not absent.</summary>
        private (bool Present, object? Value) Lookup(string name) =>
            arguments.TryGetValue(name, out var value) ? (true, value) : (false, null);
    }
}
