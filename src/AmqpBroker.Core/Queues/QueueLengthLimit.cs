using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Queues;

/// <summary>What a queue does with an arriving message, given its length limit and x-overflow.</summary>
internal enum Admission
{
    /// <summary>Taken (with drop-head, heads over the limit then make room).</summary>
    Accept,

    /// <summary>reject-publish: refused, and the publisher's confirm is a basic.nack.</summary>
    Refuse,

    /// <summary>reject-publish-dlx: refused as with reject-publish, and dead-lettered.</summary>
    RefuseAndDeadLetter,
}

/// <summary>Messages a queue holds outside its ready ones that its length limit counts (a quorum queue's pending dead letters and delayed returns).</summary>
internal readonly record struct HeldCounts(long Count, long Bytes);

/// <summary>
/// x-max-length and x-max-length-bytes with x-overflow, over a queue's ready messages (unacked ones do not
/// count, as in RabbitMQ; a quorum queue's pending dead letters do): whether a full queue refuses an arriving
/// message, and which heads go to make room with drop-head, the default. Called under the queue's lock.
/// </summary>
internal sealed class QueueLengthLimit(ReadyStore ready)
{
    private const double SoftLimit = 0.8;

    public Admission Admit(QueueArguments arguments, Message message) => arguments.Overflow switch
    {
        OverflowBehaviour.DropHead => Admission.Accept,
        _ when !IsFullFor(arguments, message.BodySize) => Admission.Accept,
        OverflowBehaviour.RejectPublishDeadLetter => Admission.RefuseAndDeadLetter,
        _ => Admission.Refuse,
    };

    /// <summary>Whether one more message of <paramref name="bodySize"/> bytes would go over a limit (<paramref name="held"/>: messages held outside the ready ones that count too).</summary>
    public bool IsFullFor(QueueArguments arguments, long bodySize, HeldCounts held = default) =>
        (arguments.MaxLength is { } maxLength && ready.Count + held.Count >= maxLength)
        || (arguments.MaxLengthBytes is { } maxBytes && ready.Bytes + held.Bytes + bodySize > maxBytes);

    /// <summary>
    /// Whether the queue is at or below 80% of its limits (rabbit_fifo's LOW_LIMIT), where a quorum queue that
    /// refused publishes accepts them again.
    /// </summary>
    public bool IsBelowSoftLimit(QueueArguments arguments, HeldCounts held) =>
        (arguments.MaxLength is not { } maxLength || ready.Count + held.Count <= (long)(maxLength * SoftLimit))
        && (arguments.MaxLengthBytes is not { } maxBytes || ready.Bytes + held.Bytes <= (long)(maxBytes * SoftLimit));

    /// <summary>Takes heads off into <paramref name="dropped"/> until the queue is within its limits.</summary>
    public void DropHeadsOverLimit(QueueArguments arguments, ref List<QueueEntry>? dropped)
    {
        while ((arguments.MaxLength is { } maxLength && ready.Count > maxLength)
            || (arguments.MaxLengthBytes is { } maxBytes && ready.Bytes > maxBytes))
        {
            ready.TryDequeue(out var head);
            (dropped ??= []).Add(head);
        }
    }
}
