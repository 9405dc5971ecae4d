namespace AmqpBroker.InteropTests.Support;

/// <summary>What a test awaits of connection.blocked and connection.unblocked: the first block's reason and the first unblock.</summary>
internal sealed class BlockedSignals
{
    private readonly TaskCompletionSource<string> _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _unblocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BlockedSignals(IConnection connection)
    {
        connection.ConnectionBlockedAsync += (_, args) =>
        {
            _blocked.TrySetResult(args.Reason);
            return Task.CompletedTask;
        };
        connection.ConnectionUnblockedAsync += (_, _) =>
        {
            _unblocked.TrySetResult();
            return Task.CompletedTask;
        };
    }

    /// <summary>The reason of the first connection.blocked.</summary>
    public Task<string> Blocked => _blocked.Task;

    public Task Unblocked => _unblocked.Task;

    /// <summary>Starts listening on <paramref name="connection"/>; call it before anything can block it.</summary>
    public static BlockedSignals Watch(IConnection connection) => new(connection);
}
