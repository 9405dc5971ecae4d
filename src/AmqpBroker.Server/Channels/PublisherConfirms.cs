using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// A channel's replies that promise something about published messages: publisher confirms (once
/// confirm.select was received), numbered by publish, and tx.commit-ok. Both go through
/// <see cref="DurableReplies"/>, so a reply waits for the store's sync where the outcome says so and
/// leaves in order.
/// </summary>
internal sealed class PublisherConfirms(ConnectionWriter writer, IMessageStore store, ushort channel, MessageCounters counters, Action<string> closeConnection)
{
    private readonly DurableReplies _replies = new(writer, store, closeConnection);
    private ulong _sequence;

    public bool Enabled { get; private set; }

    /// <summary>Confirms decided but not sent yet: they wait for the store's sync (RabbitMQ's messages_unconfirmed).</summary>
    public int Unconfirmed => Enabled ? _replies.HeldCount : 0;

    /// <summary>confirm.select; a transactional channel cannot switch.</summary>
    public void Enable(bool transactional)
    {
        if (transactional)
        {
            throw AmqpException.PreconditionFailed("cannot switch from tx to confirm mode");
        }

        Enabled = true;
    }

    /// <summary>Confirms the next publish: basic.ack, or basic.nack when a queue refused it.</summary>
    public void Confirm(in PublishOutcome outcome)
    {
        counters.Increment(MessageCounter.Confirm);
        var kind = outcome.Rejected ? OutgoingKind.PublisherNack : OutgoingKind.PublisherAck;
        _replies.Send(new OutgoingFrame(kind, channel, DeliveryTag: ++_sequence), outcome.NeedsSync);
    }

    /// <summary>tx.commit-ok, after the sync when the transaction published persistent messages to durable queues.</summary>
    public void CommitOk(bool afterSync) =>
        _replies.Send(new OutgoingFrame(OutgoingKind.Encoded, channel, Encoded: ConnectionWriter.Encode(channel, new TxCommitOk())), afterSync);

    /// <summary>The channel closed: replies still waiting are dropped.</summary>
    public void Close() => _replies.Close();
}
