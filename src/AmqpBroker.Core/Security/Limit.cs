using AmqpBroker.Core.Arguments;

namespace AmqpBroker.Core.Security;

/// <summary>
/// One limit of a vhost (<c>max-connections</c>, <c>max-queues</c>) or a user (<c>max-connections</c>,
/// <c>max-channels</c>), as RabbitMQ keeps them: a negative value means no limit, 0 allows nothing.
/// </summary>
public sealed record Limit(string Name, long Value)
{
    public const string MaxConnections = "max-connections";
    public const string MaxQueues = "max-queues";
    public const string MaxChannels = "max-channels";

    public static IReadOnlyList<string> VirtualHostLimits { get; } = [MaxConnections, MaxQueues];

    public static IReadOnlyList<string> UserLimits { get; } = [MaxChannels, MaxConnections];

    /// <summary>
    /// A limit's value as given through the HTTP API (a decoded JSON term): RabbitMQ takes integers only.
    /// Throws <see cref="LimitValidationException"/> with RabbitMQ's reason otherwise.
    /// </summary>
    public static long ValueOf(string name, object? value) => IntegerValues.TryGet(value, out var number)
        ? number
        : throw new LimitValidationException($"{name} should be a number, actually was {ErlangTerms.FormatJson(value)}");

    /// <summary>The value as a limit in force: null when negative (no limit).</summary>
    public static long? InForce(IReadOnlyList<Limit> limits, string name) =>
        limits.FirstOrDefault(l => l.Name == name) is { Value: >= 0 } limit ? limit.Value : null;
}
