namespace AmqpBroker.InteropTests.Support;

/// <summary>Completes when a channel shuts down, with the reason the broker gave.</summary>
public sealed class ChannelCloseWatcher
{
    private readonly TaskCompletionSource<ShutdownEventArgs> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChannelCloseWatcher(IChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        channel.ChannelShutdownAsync += (_, args) =>
        {
            _closed.TrySetResult(args);
            return Task.CompletedTask;
        };
        if (channel.CloseReason is { } reason)
        {
            _closed.TrySetResult(reason);
        }
    }

    public Task<ShutdownEventArgs> Closed => _closed.Task;

    public async Task<ShutdownEventArgs> WaitAsync(TimeSpan timeout) => await _closed.Task.WaitAsync(timeout);
}
