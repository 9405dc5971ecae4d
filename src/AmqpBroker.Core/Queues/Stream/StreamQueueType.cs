using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// RabbitMQ's stream on a single node (rabbit_stream_queue): durable, non-exclusive, not auto-delete and never
/// server-named; the stream arguments (retention by x-max-length-bytes and x-max-age, the segment size; cluster
/// size and leader locator accepted and meaningless on one node); consumers that must ack and have a prefetch.
/// The stream is an append-only log in the broker's message store (<see cref="IStreamLog"/>).
/// </summary>
internal sealed class StreamQueueType(QueueTypeCapabilities capabilities, KnownArguments known, VersionProfile profile) : IQueueType
{
    /// <summary>RabbitMQ's default segment size (osiris max_segment_size_bytes).</summary>
    public const long DefaultSegmentSize = 500_000_000;

    /// <summary>The largest x-stream-max-segment-size-bytes RabbitMQ takes (?MAX_STREAM_MAX_SEGMENT_SIZE).</summary>
    private const long MaxSegmentSize = 3_000_000_000;

    private const string FilterSizeArgument = "x-stream-filter-size-bytes";

    public string Name => "stream";

    public QueueTypeCapabilities Capabilities => capabilities;

    public bool Allows(QueueDefinition definition) => ReplicatedTypeRules.Allows(definition);

    /// <summary>rabbit_stream_queue:declare's checks after the arguments' own: the flags, the segment size's ceiling, and (3.13+) the filter size.</summary>
    public QueueArguments Validate(QueueDefinition definition, bool serverNamed)
    {
        var parsed = QueueArgumentRules.Parse(definition, capabilities, known);
        ReplicatedTypeRules.CheckProperties(definition);
        if (parsed.MaxSegmentSizeBytes > MaxSegmentSize)
        {
            throw AmqpException.PreconditionFailed("Exceeded max value for x-stream-max-segment-size-bytes");
        }

        if (profile.StreamFiltering && definition.Arguments.TryGetValue(FilterSizeArgument, out var size)
            && !(IntegerValues.TryGet(size, out var bytes) && bytes is >= 16 and <= 255))
        {
            // The double space is RabbitMQ's (rabbit_stream_queue:check_filter_size at v3.13.0).
            throw AmqpException.PreconditionFailed("Invalid value for  x-stream-filter-size-bytes");
        }

        return parsed;
    }

    /// <summary>rabbit_stream_queue's unsupported_policies: only max-length-bytes, max-age and the segment size apply.</summary>
    public QueueArguments WithPolicy(QueueArguments declared, PolicySettings? policy) => declared.WithPolicy(policy is null ? null : new PolicySettings
    {
        MaxLengthBytes = policy.MaxLengthBytes,
        MaxAgeMs = policy.MaxAgeMs,
        MaxSegmentSizeBytes = policy.MaxSegmentSizeBytes,
    });

    /// <summary>
    /// rabbit_stream_queue:consume's checks in its order: a prefetch (406), manual acks (540), no channel-wide
    /// prefetch while RabbitMQ's limiter is active (540, as rabbit_channel words it for every type without it).
    /// </summary>
    public void CheckConsume(Queue queue, in ConsumeRequest request)
    {
        ConsumerArgumentRules.Check(queue, request.Arguments, capabilities, known);
        var description = QueueArguments.Describe(queue.Definition);
        if (request.ConsumerPrefetch == 0)
        {
            throw AmqpException.PreconditionFailed(profile.StreamConsumeErrorsNameStream
                ? $"consumer prefetch count is not set for stream {description}"
                : $"consumer prefetch count is not set for '{description}'");
        }

        if (request.NoAck)
        {
            throw AmqpException.NotImplemented(profile.StreamConsumeErrorsNameStream
                ? $"automatic acknowledgement not supported by stream {description}"
                : $"automatic acknowledgement not supported by stream queues {description}");
        }

        if (request.ChannelPrefetch > 0)
        {
            throw AmqpException.NotImplemented($"{description} does not support global qos");
        }
    }

    public Queue Create(QueueDefinition definition, QueueArguments arguments, QueueContext context, out IReadOnlyList<RecoveredEntry> recovered)
    {
        recovered = [];
        var log = context.Messages.OpenStream(definition.VirtualHost, definition.Name, arguments.MaxSegmentSizeBytes is { } size and > 0 ? size : DefaultSegmentSize);
        return new StreamQueue(definition, arguments, context, log);
    }
}
