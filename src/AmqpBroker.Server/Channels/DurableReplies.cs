using AmqpBroker.Core.Storage;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// A channel's replies that promise durability — publisher confirms and tx.commit-ok — leave only once
/// the message store has synced what they cover, and always in the order the channel produced them:
/// a reply that needs no sync still waits behind one that does, because the writer merges consecutive
/// acks into one <c>multiple</c> ack, which is only true in order. The store calls back from its sync
/// thread; the channel calls from its read loop. When the sync fails, the confirms it covered go out as
/// basic.nack, and a tx.commit-ok that needed it is never sent: the connection is closed instead, as the
/// commit cannot be reported done.
/// </summary>
internal sealed class DurableReplies(ConnectionWriter writer, IMessageStore store, Action<string> closeConnection) : IDurabilityWaiter
{
    /// <summary>The ticket of a held reply that waits only for the replies before it.</summary>
    private const ulong NoSync = 0;

    private readonly Lock _lock = new();
    private readonly Queue<(OutgoingFrame Frame, ulong Ticket)> _held = new();
    private ulong _lastTicket;
    private bool _closed;

    /// <summary>Replies held until a sync or the replies before them (the metrics read it).</summary>
    public int HeldCount
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Sends <paramref name="frame"/> now, or after the sync when <paramref name="afterSync"/> or when earlier replies still wait.</summary>
    public void Send(in OutgoingFrame frame, bool afterSync)
    {
        var ticket = NoSync;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            if (!afterSync && _held.Count == 0)
            {
                writer.Enqueue(frame);
                return;
            }

            if (afterSync)
            {
                ticket = ++_lastTicket;
            }

            _held.Enqueue((frame, ticket));
        }

        if (ticket != NoSync)
        {
            store.WhenDurable(this, ticket);
        }
    }

    /// <summary>Everything up to <paramref name="ticket"/> is on disk (the store completes tickets in order).</summary>
    public void OnDurable(ulong ticket) => Release(ticket, synced: true);

    /// <summary>The sync covering everything up to <paramref name="ticket"/> failed.</summary>
    public void OnSyncFailed(ulong ticket) => Release(ticket, synced: false);

    private void Release(ulong ticket, bool synced)
    {
        var commitFailed = false;
        lock (_lock)
        {
            while (!_closed && _held.TryPeek(out var held) && held.Ticket <= ticket)
            {
                _held.Dequeue();
                if (synced || held.Ticket == NoSync || held.Frame.Kind == OutgoingKind.PublisherNack)
                {
                    writer.Enqueue(held.Frame);
                }
                else if (held.Frame.Kind == OutgoingKind.PublisherAck)
                {
                    writer.Enqueue(held.Frame with { Kind = OutgoingKind.PublisherNack });
                }
                else
                {
                    commitFailed |= held.Frame.Kind == OutgoingKind.Encoded;
                }
            }
        }

        if (commitFailed)
        {
            closeConnection("tx.commit could not be made durable: the message store failed to sync");
        }
    }

    /// <summary>The channel closed: replies still held are dropped, as the publisher will never see them.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            _held.Clear();
        }
    }
}
