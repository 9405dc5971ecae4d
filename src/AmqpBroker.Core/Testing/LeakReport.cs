using System.Text;

namespace AmqpBroker.Core.Testing;

/// <summary>An open connection, with its channel count.</summary>
public sealed record LeakedConnection(string Name, string User, string VirtualHost, int Channels);

/// <summary>An open channel, with its consumers and the deliveries it has not acknowledged.</summary>
public sealed record LeakedChannel(string Connection, int Number, int Consumers, int UnackedDeliveries);

/// <summary>A consumer still subscribed.</summary>
public sealed record LeakedConsumer(string VirtualHost, string Queue, string Tag, string Connection, int Channel);

/// <summary>Ready messages in a queue beyond what the state it was reset to held.</summary>
public sealed record LeakedMessages(string VirtualHost, string Queue, int Ready);

/// <summary>Messages of a virtual host that went somewhere other than a consumer since it was created or reset.</summary>
public sealed record LostMessages(string VirtualHost, long DeadLettered, long Unroutable, long Returned);

/// <summary>
/// What a test left behind on the broker: open connections and channels, unacknowledged deliveries,
/// consumers, messages ready in queues (beyond those of the state the broker was reset to), and messages
/// dead-lettered, dropped as unroutable or returned to their publishers. A clean test leaves it
/// <see cref="IsEmpty"/>; <see cref="ToString"/> says what is there, for an assertion message.
/// </summary>
public sealed record LeakReport(
    IReadOnlyList<LeakedConnection> Connections,
    IReadOnlyList<LeakedChannel> Channels,
    IReadOnlyList<LeakedConsumer> Consumers,
    IReadOnlyList<LeakedMessages> ReadyMessages,
    IReadOnlyList<LostMessages> LostMessages)
{
    /// <summary>Deliveries not yet acknowledged, on all channels.</summary>
    public int UnackedDeliveries => Channels.Sum(c => c.UnackedDeliveries);

    public long DeadLettered => LostMessages.Sum(l => l.DeadLettered);

    public long Unroutable => LostMessages.Sum(l => l.Unroutable);

    public long Returned => LostMessages.Sum(l => l.Returned);

    public bool IsEmpty => Connections.Count == 0 && Channels.Count == 0 && Consumers.Count == 0 && ReadyMessages.Count == 0 && LostMessages.Count == 0;

    public override string ToString()
    {
        if (IsEmpty)
        {
            return "nothing left behind";
        }

        var text = new StringBuilder();
        foreach (var c in Connections)
        {
            text.AppendLine($"connection '{c.Name}' (user '{c.User}', vhost '{c.VirtualHost}') is open with {c.Channels} channel(s)");
        }

        foreach (var c in Channels)
        {
            text.AppendLine($"channel {c.Number} of '{c.Connection}' is open with {c.Consumers} consumer(s) and {c.UnackedDeliveries} unacknowledged deliveries");
        }

        foreach (var c in Consumers)
        {
            text.AppendLine($"consumer '{c.Tag}' on queue '{c.Queue}' in vhost '{c.VirtualHost}' (channel {c.Channel} of '{c.Connection}')");
        }

        foreach (var m in ReadyMessages)
        {
            text.AppendLine($"queue '{m.Queue}' in vhost '{m.VirtualHost}' has {m.Ready} ready message(s) left");
        }

        foreach (var l in LostMessages)
        {
            text.AppendLine($"vhost '{l.VirtualHost}': {l.DeadLettered} dead-lettered, {l.Unroutable} unroutable, {l.Returned} returned");
        }

        return text.ToString().TrimEnd();
    }
}
