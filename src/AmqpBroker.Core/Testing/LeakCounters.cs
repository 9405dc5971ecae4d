namespace AmqpBroker.Core.Testing;

/// <summary>
/// Messages of one virtual host that went somewhere other than a consumer, counted since the virtual host
/// was created (a reset creates it anew): given up by a queue to dead-lettering (expired, rejected, over a
/// length or delivery limit, with or without a dead-letter exchange), dropped as unroutable, or returned to
/// a mandatory publisher. A test that expected none of these can see that one happened.
/// </summary>
public sealed class LeakCounters
{
    private long _deadLettered;
    private long _unroutable;
    private long _returned;

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Publishes that reached no queue and were dropped (not mandatory).</summary>
    public long Unroutable => Interlocked.Read(ref _unroutable);

    /// <summary>Mandatory publishes that reached no queue and went back with basic.return.</summary>
    public long Returned => Interlocked.Read(ref _returned);

    internal void AddDeadLettered(int count) => Interlocked.Add(ref _deadLettered, count);

    /// <summary>A publish reached no queue: returned when <paramref name="mandatory"/>, otherwise dropped.</summary>
    internal void AddUnroutable(bool mandatory) => Interlocked.Increment(ref mandatory ? ref _returned : ref _unroutable);
}
