namespace AmqpBroker.Server.Writing;

/// <summary>
/// A test fault's pause in one direction of a connection (see <see cref="Core.Testing.Faults.StallDirection"/>):
/// closed until a moment on the broker's clock, or until the connection goes away (<see cref="OpenForGood"/>).
/// Open, it costs its loop one volatile read.
/// </summary>
internal sealed class StallGate(TimeProvider time)
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>UTC ticks until which the gate is closed; 0 when open.</summary>
    private long _until;

    public bool IsStalled => Volatile.Read(ref _until) != 0;

    public void StallFor(TimeSpan duration) => Volatile.Write(ref _until, (time.GetUtcNow() + duration).UtcTicks);

    public void OpenForGood()
    {
        Volatile.Write(ref _until, 0);
        _ended.TrySetResult();
    }

    /// <summary>Completes once the gate is open (a stall armed again meanwhile is waited out too).</summary>
    public async Task WaitAsync()
    {
        while (Volatile.Read(ref _until) is var until and not 0 && !_ended.Task.IsCompleted)
        {
            var remaining = new DateTimeOffset(until, TimeSpan.Zero) - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                Interlocked.CompareExchange(ref _until, 0, until);
                continue;
            }

            await DelayAsync(remaining).ConfigureAwait(false);
        }
    }

    /// <summary>Waits <paramref name="delay"/> by the broker's clock, or less when the connection goes away.</summary>
    public Task DelayAsync(TimeSpan delay) => Task.WhenAny(Task.Delay(delay, time), _ended.Task);
}
