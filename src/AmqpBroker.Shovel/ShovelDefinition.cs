namespace AmqpBroker.Shovel;

/// <summary>
/// A dynamic shovel's parameter value, validated and with RabbitMQ's defaults filled in (ack-mode
/// on-confirm, prefetch 1000, reconnect-delay 5 s, delete-after never). Read by <see cref="ShovelDefinitionReader"/>.
/// </summary>
internal sealed record ShovelDefinition
{
    public required IReadOnlyList<ShovelUri> SourceUris { get; init; }

    /// <summary>The queue consumed from; null when the shovel consumes through its own queue bound to <see cref="SourceExchange"/>.</summary>
    public string? SourceQueue { get; init; }

    public string? SourceExchange { get; init; }

    public string SourceExchangeKey { get; init; } = "";

    /// <summary>Arguments the source queue is declared with when it does not exist yet.</summary>
    public IReadOnlyDictionary<string, object?> SourceQueueArguments { get; init; } = new Dictionary<string, object?>();

    public IReadOnlyDictionary<string, object?> SourceConsumerArguments { get; init; } = new Dictionary<string, object?>();

    /// <summary>The source consumer's tag (<c>src-consumer-name</c>); empty lets the broker pick one.</summary>
    public string SourceConsumerName { get; init; } = "";

    /// <summary>Whether <see cref="SourceQueue"/> must exist already and is only declared passively (<c>src-predeclared</c>).</summary>
    public bool SourcePredeclared { get; init; }

    public ushort PrefetchCount { get; init; } = 1000;

    public DeleteAfter DeleteAfter { get; init; } = DeleteAfter.Never;

    /// <summary>
    /// <c>src-delete-after-duration</c> as given: how long the shovel runs (from when it starts consuming, again after
    /// each restart) before it deletes its own parameter; null for no limit. <see cref="ShovelWorker"/> applies the floor.
    /// </summary>
    public TimeSpan? DeleteAfterDuration { get; init; }

    public required IReadOnlyList<ShovelUri> DestinationUris { get; init; }

    /// <summary>Publish to this queue (through the default exchange); null to publish to <see cref="DestinationExchange"/> or as received.</summary>
    public string? DestinationQueue { get; init; }

    public IReadOnlyDictionary<string, object?> DestinationQueueArguments { get; init; } = new Dictionary<string, object?>();

    /// <summary>Whether <see cref="DestinationQueue"/> must exist already and is only declared passively (<c>dest-predeclared</c>).</summary>
    public bool DestinationPredeclared { get; init; }

    /// <summary>The exchange published to; null keeps the message's own exchange.</summary>
    public string? DestinationExchange { get; init; }

    /// <summary>The routing key published with; null keeps the message's own.</summary>
    public string? DestinationExchangeKey { get; init; }

    public AckMode AckMode { get; init; } = AckMode.OnConfirm;

    public bool AddForwardHeaders { get; init; }

    public bool AddTimestampHeader { get; init; }

    /// <summary>How long to wait before reconnecting after a failure; zero means the shovel is not restarted.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>When a message is acknowledged at the source (RabbitMQ's ack-mode).</summary>
internal enum AckMode
{
    /// <summary>After the destination confirmed it: nothing is lost, duplicates only after a crash.</summary>
    OnConfirm,

    /// <summary>Once it is published to the destination.</summary>
    OnPublish,

    /// <summary>Consumed without acknowledgements: fastest, loses messages in flight on a failure.</summary>
    NoAck,
}

/// <summary>When a shovel deletes itself: never, after the messages the queue held when it started, or after a count.</summary>
internal readonly record struct DeleteAfter(DeleteAfterKind Kind, long Count)
{
    public static DeleteAfter Never => new(DeleteAfterKind.Never, 0);

    public static DeleteAfter QueueLength => new(DeleteAfterKind.QueueLength, 0);

    public static DeleteAfter Messages(long count) => new(DeleteAfterKind.Count, count);
}

internal enum DeleteAfterKind
{
    Never,
    QueueLength,
    Count,
}
