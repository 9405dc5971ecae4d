using AmqpBroker.Core.Arguments;

namespace AmqpBroker.Core.Queues.Quorum;

/// <summary>Which returns a quorum queue with delayed retry holds back (RabbitMQ 4.3's <c>x-delayed-retry-type</c>).</summary>
public enum DelayedRetryType
{
    /// <summary>Every return.</summary>
    All,

    /// <summary>Only failed deliveries: the consumer went away with the message.</summary>
    Failed,

    /// <summary>Only returns a client asked for (basic.reject, basic.nack or basic.recover with requeue).</summary>
    Returned,
}

/// <summary>
/// RabbitMQ 4.3's delayed retry of a quorum queue: a returned message waits
/// min(<see cref="MinMs"/> × its delivery count (at least 1), <see cref="MaxMs"/>) before it is ready again
/// (rabbit_fifo:should_delay0 and calculate_ready_at at v4.3.0; release-notes/4.3.0.md, #13885).
/// </summary>
public sealed record DelayedRetry(DelayedRetryType Type, long MinMs, long MaxMs)
{
    public const string TypeArgument = "x-delayed-retry-type";
    public const string MinArgument = "x-delayed-retry-min";
    public const string MaxArgument = "x-delayed-retry-max";

    /// <summary>
    /// The configuration the queue's arguments give, or null (disabled): as rabbit_quorum_queue:get_delayed_retry_config
    /// at v4.3.0 reads them, without validation: an unknown type, a missing or non-positive minimum means disabled,
    /// a missing or non-positive maximum means the minimum.
    /// </summary>
    public static DelayedRetry? From(IReadOnlyDictionary<string, object?> arguments)
    {
        var type = arguments.GetValueOrDefault(TypeArgument) switch
        {
            "all" => DelayedRetryType.All,
            "failed" => DelayedRetryType.Failed,
            "returned" => DelayedRetryType.Returned,
            _ => (DelayedRetryType?)null,
        };
        if (type is null || Positive(arguments, MinArgument) is not { } min)
        {
            return null;
        }

        return new DelayedRetry(type.Value, min, Positive(arguments, MaxArgument) ?? min);
    }

    /// <summary>Whether a return (<paramref name="failed"/>: the consumer went away) waits before it is ready again.</summary>
    public bool Applies(bool failed) => Type switch
    {
        DelayedRetryType.Failed => failed,
        DelayedRetryType.Returned => !failed,
        _ => true,
    };

    /// <summary>How long a message with <paramref name="deliveryCount"/> failed deliveries waits.</summary>
    public long DelayMs(long deliveryCount) => Math.Min(MinMs * Math.Max(1, deliveryCount), MaxMs);

    /// <summary>How the management API shows it: <c>all (min: 1000ms, max: 5000ms)</c> (rabbit_quorum_queue:fmt_delayed_retry).</summary>
    public override string ToString() => $"{Type.ToString().ToLowerInvariant()} (min: {MinMs}ms, max: {MaxMs}ms)";

    private static long? Positive(IReadOnlyDictionary<string, object?> arguments, string name) =>
        arguments.TryGetValue(name, out var value) && IntegerValues.TryGet(value, out var integer) && integer > 0 ? integer : null;
}
