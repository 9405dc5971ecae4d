using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace AmqpBroker.LoadGen;

/// <summary>
/// Collects the first thing that went wrong anywhere in the run (a broker-initiated close, a failing callback,
/// a publisher error) and cancels its token so the measured window ends early instead of running on broken.
/// Only the window counts: once the run starts closing things, the errors that closing causes are not faults.
/// </summary>
internal sealed class FaultSignal : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private string? _reason;
    private int _stopped;

    public CancellationToken Token => _cancellation.Token;

    public string? Reason => Volatile.Read(ref _reason);

    public void Raise(string reason)
    {
        if (Volatile.Read(ref _stopped) == 1)
        {
            return;
        }
        Interlocked.CompareExchange(ref _reason, reason, null);
        _cancellation.Cancel();
    }

    public void StopWatching() => Volatile.Write(ref _stopped, 1);

    public void Watch(IConnection connection, IChannel channel, string name)
    {
        connection.ConnectionShutdownAsync += (_, e) => OnShutdownAsync(name, "connection", e);
        channel.ChannelShutdownAsync += (_, e) => OnShutdownAsync(name, "channel", e);
        channel.CallbackExceptionAsync += (_, e) =>
        {
            Raise($"{name}: callback failed: {e.Exception.Message}");
            return Task.CompletedTask;
        };
    }

    private Task OnShutdownAsync(string name, string what, ShutdownEventArgs e)
    {
        // Our own close at the end of the run is initiated by the application and is not a fault.
        if (e.Initiator != ShutdownInitiator.Application)
        {
            Raise($"{name}: {what} closed by {e.Initiator}: {e.ReplyCode} {e.ReplyText}");
        }
        return Task.CompletedTask;
    }

    public void Dispose() => _cancellation.Dispose();
}
