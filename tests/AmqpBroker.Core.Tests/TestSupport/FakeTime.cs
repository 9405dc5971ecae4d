namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>
/// A clock that moves only when a test says so. Queues read it for message and queue expiry; tests call
/// the virtual host's tick themselves, so no timers are needed.
/// </summary>
internal sealed class FakeTime : TimeProvider
{
    private long _nowMs = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _nowMs));

    public void Advance(long milliseconds) => Interlocked.Add(ref _nowMs, milliseconds);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("tests drive the virtual host's tick by hand");
}
