namespace AmqpBroker.Core.Profiles;

/// <summary>Where an x-argument is given.</summary>
public enum ArgumentPlace
{
    QueueDeclare,
    Consume,
    ExchangeDeclare,
}

/// <summary>
/// One argument RabbitMQ acts on, for <see cref="StrictArguments"/>: where it is given, the first release of the
/// table that knows it, and from which release (and for which queue types) it is accepted but ignored.
/// </summary>
/// <param name="Name">The argument (<c>x-message-ttl</c>).</param>
/// <param name="Place">Where it is given.</param>
/// <param name="Since">The first release that acts on it.</param>
/// <param name="IgnoredSince">The first release that accepts it without acting on it, if any.</param>
/// <param name="IgnoredBy">The queue type that ignores it (null: every type that accepts it).</param>
/// <param name="RemovedIn">The first release that no longer knows it, if any.</param>
public sealed record KnownArgument(
    string Name,
    ArgumentPlace Place,
    RabbitMqRelease Since,
    RabbitMqRelease? IgnoredSince = null,
    string? IgnoredBy = null,
    RabbitMqRelease? RemovedIn = null)
{
    private static readonly RabbitMqRelease V310 = new(3, 10);

    /// <summary>
    /// The arguments of RabbitMQ 3.10 to 4.3, from rabbit_amqqueue:declare_args/consume_args and each queue
    /// type's capabilities at each tag, plus the ones read elsewhere (x-consumer-timeout in rabbit_channel).
    /// </summary>
    public static IReadOnlyList<KnownArgument> All { get; } =
    [
        .. Queue(
            "x-expires", "x-message-ttl", "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-max-length",
            "x-max-length-bytes", "x-max-priority", "x-overflow", "x-single-active-consumer", "x-queue-type",
            "x-queue-version", "x-queue-master-locator", "x-queue-leader-locator", "x-dead-letter-strategy",
            "x-delivery-limit", "x-quorum-initial-group-size", "x-max-age", "x-stream-max-segment-size-bytes",
            "x-initial-cluster-size"),
        // Quorum queues keep no messages in memory since 3.10.0 (release-notes/3.10.0.md, #3898).
        new("x-max-in-memory-length", ArgumentPlace.QueueDeclare, V310, IgnoredSince: V310, IgnoredBy: "quorum"),
        new("x-max-in-memory-bytes", ArgumentPlace.QueueDeclare, V310, IgnoredSince: V310, IgnoredBy: "quorum"),
        // Classic queues v2 page by themselves (release-notes/3.12.0.md, highlights).
        new("x-queue-mode", ArgumentPlace.QueueDeclare, V310, IgnoredSince: new(3, 12)),
        new("x-stream-filter-size-bytes", ArgumentPlace.QueueDeclare, new(3, 13)),      // release-notes/3.13.0.md (#8207)
        new("x-consumer-timeout", ArgumentPlace.QueueDeclare, new(3, 12)),               // release-notes/3.12.0.md (#5437)
        new("x-consumer-disconnected-timeout", ArgumentPlace.QueueDeclare, new(4, 3)),   // release-notes/4.3.0.md
        new("x-delayed-retry-type", ArgumentPlace.QueueDeclare, new(4, 3)),              // release-notes/4.3.0.md (#13885)
        new("x-delayed-retry-min", ArgumentPlace.QueueDeclare, new(4, 3)),
        new("x-delayed-retry-max", ArgumentPlace.QueueDeclare, new(4, 3)),
        new("x-priority", ArgumentPlace.Consume, V310),
        new("x-stream-offset", ArgumentPlace.Consume, V310),
        new("x-credit", ArgumentPlace.Consume, V310, RemovedIn: new(4, 0)),               // rabbit_classic_queue:capabilities at v3.13.7 / v4.0.1
        new("x-cancel-on-ha-failover", ArgumentPlace.Consume, V310, RemovedIn: new(4, 0)), // classic queue mirroring removed (release-notes/4.0.1.md)
        new("x-stream-filter", ArgumentPlace.Consume, new(3, 13)),                        // release-notes/3.13.0.md (#8207)
        new("x-stream-match-unfiltered", ArgumentPlace.Consume, new(3, 13)),
        new("x-consumer-timeout", ArgumentPlace.Consume, new(4, 3)),                      // release-notes/4.3.0.md
        new("alternate-exchange", ArgumentPlace.ExchangeDeclare, V310),
        // The plugin exchange types built in here: delayed-message, consistent-hash.
        new("x-delayed-type", ArgumentPlace.ExchangeDeclare, V310),
        new("hash-header", ArgumentPlace.ExchangeDeclare, V310),
        new("hash-property", ArgumentPlace.ExchangeDeclare, V310),
    ];

    /// <summary>Whether <paramref name="release"/> knows the argument at all.</summary>
    public bool IsKnownIn(RabbitMqRelease release) => release >= Since && (RemovedIn is not { } removed || release < removed);

    /// <summary>Whether <paramref name="release"/> accepts it for a queue of <paramref name="queueType"/> without acting on it.</summary>
    public bool IsIgnoredIn(RabbitMqRelease release, string queueType) =>
        IgnoredSince is { } since && release >= since && (IgnoredBy is null || IgnoredBy == queueType);

    private static IEnumerable<KnownArgument> Queue(params string[] names) =>
        names.Select(name => new KnownArgument(name, ArgumentPlace.QueueDeclare, V310));
}
