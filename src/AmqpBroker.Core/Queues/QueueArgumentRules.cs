using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Queues.Stream;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// RabbitMQ's checks of a new queue's arguments (rabbit_amqqueue:check_declare_arguments): first the value
/// validators of the arguments the queue's type has, in RabbitMQ's fixed order (declare_args()), then, in the
/// order the client sent them, any argument that another type has and this one lacks — <c>invalid arg 'K' for
/// queue 'q' in vhost '/' of queue type rabbit_..._queue</c>. Arguments no type knows are ignored.
/// </summary>
internal static class QueueArgumentRules
{
    private const string ConsumerTimeoutArgument = "x-consumer-timeout";
    private const string DisconnectedTimeoutArgument = "x-consumer-disconnected-timeout";

    private delegate QueueArguments Rule(in ArgumentParser parser, QueueArguments parsed);

    /// <summary>
    /// declare_args() at v3.10.8, in its order, with v4.3.2's consumer timeouts (#16557) after x-single-active-consumer;
    /// each reads its argument only when present. Those that only validate mean nothing on a single node (cluster
    /// sizes, leader locators, in-memory limits since 3.10) or are read where consumers time out.
    /// </summary>
    private static readonly (string Name, Rule Apply)[] Validators =
    [
        ("x-expires", static (in p, a) => a with { Expires = p.Positive("x-expires") }),
        ("x-message-ttl", static (in p, a) => a with { MessageTtl = p.NonNegative("x-message-ttl") }),
        ("x-dead-letter-exchange", static (in p, a) => a with { DeadLetterExchange = p.ExchangeName("x-dead-letter-exchange") }),
        ("x-dead-letter-routing-key", static (in p, a) => a with { DeadLetterRoutingKey = DeadLetterRoutingKey(p) }),
        ("x-dead-letter-strategy", static (in p, a) => a with { DeadLetterStrategy = Strategy(p), DeadLetterStrategyDeclared = true }),
        ("x-max-length", static (in p, a) => a with { MaxLength = p.NonNegative("x-max-length") }),
        ("x-max-length-bytes", static (in p, a) => a with { MaxLengthBytes = p.NonNegative("x-max-length-bytes") }),
        ("x-max-in-memory-length", static (in p, a) => { p.NonNegative("x-max-in-memory-length"); return a; }),
        ("x-max-in-memory-bytes", static (in p, a) => { p.NonNegative("x-max-in-memory-bytes"); return a; }),
        ("x-max-priority", static (in p, a) => a with { MaxPriority = p.Priority("x-max-priority") }),
        ("x-overflow", static (in p, a) => a with { Overflow = Overflow(p), OverflowDeclared = true }),
        ("x-queue-mode", static (in p, a) => a with { Lazy = QueueMode(p), QueueModeDeclared = true }),
        ("x-queue-version", static (in p, a) => { CheckQueueVersion(p, oldest: 1); return a; }),
        ("x-single-active-consumer", static (in p, a) => a with { SingleActiveConsumer = p.Boolean("x-single-active-consumer") }),
        (ConsumerTimeoutArgument, static (in p, a) => { p.NonNegative(ConsumerTimeoutArgument); return a; }),
        (DisconnectedTimeoutArgument, static (in p, a) => { p.NonNegative(DisconnectedTimeoutArgument); return a; }),
        ("x-quorum-initial-group-size", static (in p, a) => { p.Positive("x-quorum-initial-group-size"); return a; }),
        ("x-max-age", static (in p, a) => a with { MaxAgeMs = MaxAge(p) }),
        ("x-stream-max-segment-size-bytes", static (in p, a) => a with { MaxSegmentSizeBytes = p.NonNegative("x-stream-max-segment-size-bytes") }),
        ("x-initial-cluster-size", static (in p, a) => { p.Positive("x-initial-cluster-size"); return a; }),
        ("x-queue-leader-locator", static (in p, a) => { LeaderLocator(p); return a; }),
    ];

    /// <summary>
    /// declare_args() at v4.3.0, where classic queue storage v1 is gone: <c>x-queue-version</c> must be 2, and
    /// <c>x-queue-mode</c> lost its validator (commit a67de22527) while staying among the classic queue's arguments,
    /// so any value is accepted and ignored (release-notes/4.3.0.md says such declares fail; the released code does not).
    /// </summary>
    private static readonly (string Name, Rule Apply)[] ValidatorsWithoutStorageV1 =
    [
        .. Validators.Where(static v => v.Name is not ("x-queue-mode" or "x-queue-version")),
        ("x-queue-version", static (in p, a) => { CheckQueueVersion(p, oldest: 2); return a; }),
    ];

    /// <summary>
    /// Validates <paramref name="definition"/>'s arguments for a queue of type <paramref name="type"/> and returns
    /// them typed; throws 406 with RabbitMQ's text at the first problem.
    /// </summary>
    public static QueueArguments Parse(QueueDefinition definition, QueueTypeCapabilities type, KnownArguments known)
    {
        var arguments = definition.Arguments;
        if (arguments.Count == 0)
        {
            return QueueArguments.None;
        }

        var description = QueueArguments.Describe(definition);
        var parser = new ArgumentParser(arguments, description);
        var parsed = QueueArguments.None;
        foreach (var (name, apply) in type.StorageV1Removed ? ValidatorsWithoutStorageV1 : Validators)
        {
            if (arguments.ContainsKey(name) && type.QueueArguments.Contains(name) && (type.ValidatesConsumerTimeouts || !IsConsumerTimeout(name)))
            {
                parsed = apply(parser, parsed);
            }
        }

        CheckSupported(arguments.Keys, type.QueueArguments, known.Queue, description, type.Module);
        return parsed;
    }

    /// <summary>The consumer timeout arguments, validated only from 4.3.2 (<see cref="QueueTypeCapabilities.ValidatesConsumerTimeouts"/>).</summary>
    private static bool IsConsumerTimeout(string name) => name is ConsumerTimeoutArgument or DisconnectedTimeoutArgument;

    /// <summary>An argument in <paramref name="known"/> but not in <paramref name="supported"/>: 406 naming the type's module.</summary>
    public static void CheckSupported(IEnumerable<string> names, IReadOnlySet<string> supported, IReadOnlySet<string> known, string queueDescription, string module)
    {
        foreach (var name in names)
        {
            if (known.Contains(name) && !supported.Contains(name))
            {
                throw AmqpException.PreconditionFailed($"invalid arg '{name}' for {queueDescription} of queue type {module}");
            }
        }
    }

    private static string? DeadLetterRoutingKey(in ArgumentParser parser)
    {
        var routingKey = parser.String("x-dead-letter-routing-key");
        return parser.Has("x-dead-letter-exchange") ? routingKey : throw parser.Invalid("x-dead-letter-routing-key", "routing_key_but_no_dlx_defined");
    }

    private static DeadLetterStrategy Strategy(in ArgumentParser parser) =>
        parser.OneOf("x-dead-letter-strategy", "invalid_dlx_strategy", "at-most-once", "at-least-once") == "at-least-once"
            ? DeadLetterStrategy.AtLeastOnce
            : DeadLetterStrategy.AtMostOnce;

    private static OverflowBehaviour Overflow(in ArgumentParser parser) =>
        parser.OneOf("x-overflow", "invalid_overflow", "drop-head", "reject-publish", "reject-publish-dlx") switch
        {
            "reject-publish" => OverflowBehaviour.RejectPublish,
            "reject-publish-dlx" => OverflowBehaviour.RejectPublishDeadLetter,
            _ => OverflowBehaviour.DropHead,
        };

    /// <summary>"lazy" and "default" are RabbitMQ's queue modes; anything else is refused.</summary>
    private static bool QueueMode(in ArgumentParser parser) => parser.String("x-queue-mode") switch
    {
        "lazy" => true,
        "default" => false,
        var mode => throw parser.Invalid("x-queue-mode", $"\"unsupported queue mode '{mode}'\""),
    };

    /// <summary>Classic queue storage versions 1 and 2 (3.10 to 4.2), 2 only from 4.3.</summary>
    private static void CheckQueueVersion(in ArgumentParser parser, int oldest)
    {
        var version = parser.NonNegative("x-queue-version");
        if (version < oldest || version > 2)
        {
            throw parser.Invalid("x-queue-version", $"\"unsupported queue version '{version}'\"");
        }
    }

    private static long? MaxAge(in ArgumentParser parser) => parser.Lookup("x-max-age") switch
    {
        (true, string text) => StreamAge.ParseArgument(text) ?? throw parser.Invalid("x-max-age", "invalid_max_age"),
        (_, var other) => throw parser.Invalid("x-max-age", $"{{unacceptable_type,{Arguments.ErlangTerms.TypeName(other)}}}"),
    };

    /// <summary>rabbit_queue_location:queue_leader_locators() at v3.10.8, the last two deprecated.</summary>
    private static string? LeaderLocator(in ArgumentParser parser) =>
        parser.OneOf("x-queue-leader-locator", "invalid_queue_locator_arg", "client-local", "balanced", "random", "least-leaders");
}
