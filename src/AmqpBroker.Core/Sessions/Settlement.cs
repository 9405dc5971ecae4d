namespace AmqpBroker.Core.Sessions;

/// <summary>How an unacked delivery ends: basic.ack, a requeue, or a reject/nack without requeue.</summary>
public enum Settlement
{
    Ack,
    Requeue,
    Reject,
}
