using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Core.Statistics;

/// <summary>
/// What the admin API shows of one open channel. Channels belong to the server; it hands these out
/// through <see cref="ClientConnection.Channels"/> so that Core's readers need not know the server.
/// </summary>
public sealed record ChannelSnapshot(
    Session Session,
    bool Confirm,
    bool Transactional,
    int MessagesUncommitted,
    int AcksUncommitted,
    int MessagesUnconfirmed);
