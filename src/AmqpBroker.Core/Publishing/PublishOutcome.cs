using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Publishing;

/// <summary>
/// What became of an accepted publish, for the caller to turn into its own reply (basic.return, a
/// publisher confirm, an HTTP answer). A refused publish is an <see cref="Errors.AmqpException"/> instead.
/// </summary>
public readonly struct PublishOutcome
{
    internal PublishOutcome(int queues, bool rejected, bool needsSync, Message? returned, Task? queueCaughtUp = null)
    {
        Queues = queues;
        Rejected = rejected;
        NeedsSync = needsSync;
        Returned = returned;
        QueueCaughtUp = queueCaughtUp;
    }

    /// <summary>How many queues (or direct reply-to consumers) the message reached.</summary>
    public int Queues { get; }

    public bool Routed => Queues > 0;

    /// <summary>A queue refused the message (x-overflow reject-publish): a confirm becomes basic.nack.</summary>
    public bool Rejected { get; }

    /// <summary>The message is persistent and reached a durable queue: its confirm (or commit-ok) waits for the store's sync.</summary>
    public bool NeedsSync { get; }

    /// <summary>
    /// A mandatory message that reached nothing, for basic.return. The caller holds one reference to it and
    /// releases it once it has handed it on; null otherwise.
    /// </summary>
    public Message? Returned { get; }

    /// <summary>
    /// Publisher flow control: a queue the message reached is behind its consumers, and this completes when it
    /// has caught up. A connection that reads publishes stops reading until then (RabbitMQ's <c>flow</c>
    /// state); null when no queue was behind.
    /// </summary>
    public Task? QueueCaughtUp { get; }
}
