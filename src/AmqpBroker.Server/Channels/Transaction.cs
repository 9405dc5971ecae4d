using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// The work a transactional channel has done since its last commit or rollback: published messages not
/// yet routed, and acks/nacks/rejects whose deliveries were taken from the session but not yet settled.
/// </summary>
internal sealed class Transaction
{
    private readonly List<(Message Message, bool Mandatory)> _publishes = [];
    private readonly List<(Session Session, List<UnackedDelivery> Deliveries, Settlement Settlement)> _settlements = [];

    /// <summary>Publishes waiting for commit (read by the admin API from another thread, so only approximate).</summary>
    public int PublishCount => _publishes.Count;

    /// <summary>Acks, nacks and rejects waiting for commit.</summary>
    public int SettlementCount => _settlements.Count;

    public void AddPublish(Message message, bool mandatory) => _publishes.Add((message, mandatory));

    public void AddSettlement(Session session, ulong deliveryTag, bool multiple, Settlement settlement)
    {
        var taken = new List<UnackedDelivery>();
        session.Take(deliveryTag, multiple, taken);
        _settlements.Add((session, taken, settlement));
    }

    /// <summary>
    /// Routes the publishes and completes the settlements. A publish a queue refused (x-overflow
    /// reject-publish) makes the commit fail with RabbitMQ's "partial tx completion" once the rest is done.
    /// </summary>
    public void Commit(Func<Message, bool, bool> route)
    {
        var refused = false;
        foreach (var (message, mandatory) in _publishes)
        {
            refused |= !route(message, mandatory);
        }

        foreach (var (session, deliveries, settlement) in _settlements)
        {
            session.Complete(deliveries, settlement);
        }

        _publishes.Clear();
        _settlements.Clear();
        if (refused)
        {
            throw AmqpException.PreconditionFailed("partial tx completion");
        }
    }

    /// <summary>Drops the publishes and makes the taken deliveries unacked again.</summary>
    public void Rollback(Session session)
    {
        foreach (var (message, _) in _publishes)
        {
            message.Release();
        }

        foreach (var (_, deliveries, _) in _settlements)
        {
            session.Restore(deliveries);
        }

        _publishes.Clear();
        _settlements.Clear();
    }
}
