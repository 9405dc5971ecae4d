using AmqpBroker.Core.Alarms;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// RabbitMQ's flow control by resource alarm: a connection that publishes while the alarm is raised is
/// blocked — its input is no longer read, so TCP back-pressure stops the publisher — until the alarm
/// clears or the connection is forced closed. Clients that asked for it hear connection.blocked and
/// connection.unblocked. Driven by the read loop; <see cref="IsBlocked"/> is read by the scheduler's tick.
/// </summary>
internal sealed class PublisherBlocking(ResourceAlarms alarm, ConnectionWriter writer, Task forceClosed)
{
    private volatile bool _blocked;

    public bool IsBlocked => _blocked;

    /// <summary>Whether the client announced the connection.blocked capability.</summary>
    public bool NotifyClient { get; set; }

    /// <summary>Called after a publish's frame: blocks when the alarm is raised (RabbitMQ blocks on a publish, not before).</summary>
    public void BlockIfAlarmed()
    {
        if (_blocked || alarm.Reason is not { } reason)
        {
            return;
        }

        _blocked = true;
        if (NotifyClient)
        {
            writer.EnqueueMethod(0, new ConnectionBlocked { Reason = reason });
        }
    }

    /// <summary>Waits until the alarm clears (then unblocks) or the connection is forced closed.</summary>
    public async Task WaitUntilUnblockedAsync()
    {
        await Task.WhenAny(alarm.WhenCleared, forceClosed).ConfigureAwait(false);
        _blocked = false;
        if (NotifyClient)
        {
            writer.EnqueueMethod(0, new ConnectionUnblocked());
        }
    }
}
