using AmqpBroker.Core.DirectReply;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Publishing;

/// <summary>
/// One publisher's way into a virtual host — an AMQP channel, an HTTP API request, the broker itself —
/// and the one place the publish rules live. <see cref="Publish"/> applies RabbitMQ's rules (size, write
/// permission, user_id, expiration, direct reply-to, missing and internal exchanges, the CC and BCC headers
/// of <see cref="SenderSelectedDistribution"/>), routes and enqueues,
/// counts the publish once, and returns a <see cref="PublishOutcome"/> the caller answers from. It owns
/// the messages it is given. Not thread-safe: one per channel, since it caches the last exchange and
/// permission check and reuses its routing lists, so the hot path allocates nothing.
/// </summary>
public sealed partial class Publisher
{
    private readonly VirtualHost _virtualHost;
    private readonly PublishAccessCheck? _access;
    private readonly string? _user;
    private readonly long _maxMessageSize;
    private readonly DirectReplyRegistry? _directReplies;
    private readonly MessageCounters? _counters;
    private readonly RoutingScratch _routing = new();
    private Exchange? _lastExchange;

    /// <param name="virtualHost">Where the messages go.</param>
    /// <param name="access">The publishing user's permissions; null for the broker itself, which publishes unchecked.</param>
    /// <param name="maxMessageSize">The largest body accepted, in bytes.</param>
    /// <param name="directReplies">Where replies to direct reply-to addresses go; null when they are just unroutable.</param>
    /// <param name="counters">Where publishes are counted (a channel's counters, the broker's totals), if anywhere.</param>
    public Publisher(VirtualHost virtualHost, ResourceAccess? access, long maxMessageSize, DirectReplyRegistry? directReplies = null, MessageCounters? counters = null)
    {
        _virtualHost = virtualHost;
        _access = access is null ? null : new PublishAccessCheck(access);
        _user = access?.User;
        _maxMessageSize = maxMessageSize;
        _directReplies = directReplies;
        _counters = counters;
    }

    /// <summary>Whether a delivery_mode other than 1 or 2 is refused (<see cref="Profiles.VersionProfile.DeliveryModeValidated"/>).</summary>
    public bool ValidatesDeliveryMode { get; init; }

    /// <summary>A publisher for the broker's own messages (health checks): no permission or user_id check, counted nowhere.</summary>
    public static Publisher ForBroker(VirtualHost virtualHost) => new(virtualHost, access: null, long.MaxValue);

    /// <summary>
    /// Checks, routes and enqueues one message, and lets go of it (see <see cref="PublishOutcome.Returned"/>
    /// for the one exception). Throws <see cref="AmqpException"/> when a rule refuses it.
    /// </summary>
    public PublishOutcome Publish(in PublishRequest request)
    {
        var message = request.Message;
        try
        {
            // RabbitMQ checks the write permission before the exchange is looked up.
            CheckMessage(message);
            message = WithDirectReplyAddress(message, request.DirectReplyAddress);
            var exchange = ResolveExchange(message.Exchange);
            CheckTopic(exchange, message);
            message = SenderSelectedDistribution.Apply(message, _routing.SenderSelectedKeys);
            var directReply = IsDirectReply(exchange, message);
            var delivered = directReply ? DeliverReply(message) : Deliver(exchange, message);
            Count(delivered.Queues > 0, request.Mandatory, held: !directReply && _routing.Held);
            Message? returned = null;
            if (delivered.Queues == 0 && request.Mandatory)
            {
                message.AddReference();
                returned = message;
            }

            return new PublishOutcome(delivered.Queues, delivered.Rejected, delivered.NeedsSync, returned, delivered.Behind?.WhenCaughtUp);
        }
        finally
        {
            _routing.SenderSelectedKeys.Clear();
            message.Release();
        }
    }

    /// <summary>
    /// The rules alone, for a transactional publish, which RabbitMQ refuses at once rather than at commit.
    /// The message stays the caller's.
    /// </summary>
    public void Check(Message message)
    {
        CheckMessage(message);
        CheckTopic(ResolveExchange(message.Exchange), message);
        SenderSelectedDistribution.Check(message, _routing.SenderSelectedKeys);
    }

    /// <summary>RabbitMQ checks topic permissions on topic exchanges only.</summary>
    private void CheckTopic(Exchange exchange, Message message)
    {
        if (_access is not null && exchange.Definition.Type == ExchangeTypes.Topic)
        {
            _access.CheckTopic(exchange.Name, message.RoutingKey);
        }
    }

    private void CheckMessage(Message message)
    {
        PublishRules.CheckSize(message.BodySize, _maxMessageSize);
        _access?.Check(message.Exchange);
        PublishRules.Check(message, _user, ValidatesDeliveryMode);
    }

    /// <summary>
    /// A reply to a direct reply-to address goes to its requester, if still there, outside routing. Up to 4.1 it
    /// counts as reaching no queue, so a mandatory reply is returned even when delivered; from 4.2 as reaching one,
    /// so it never is (release-notes/4.2.0.md, "Mandatory flag in Direct Reply-To").
    /// </summary>
    private DeliveryResult DeliverReply(Message message)
    {
        _directReplies!.TryDeliver(message.RoutingKey, message);
        return new DeliveryResult(_virtualHost.Settings.Profile.MandatoryToDirectReplyToIsRouted ? 1 : 0, false, false);
    }

    private bool IsDirectReply(Exchange exchange, Message message) =>
        _directReplies is not null && exchange.Name.Length == 0 && DirectReplyRegistry.IsAddress(message.RoutingKey);

    /// <param name="routed">The message reached a queue.</param>
    /// <param name="mandatory">It was published mandatory.</param>
    /// <param name="held">A delayed-message exchange holds it to route later: not reaching a queue now is not a loss.</param>
    private void Count(bool routed, bool mandatory, bool held)
    {
        if (!routed && !held)
        {
            _virtualHost.Leaks.AddUnroutable(mandatory);
        }

        if (_counters is not { } counters)
        {
            return;
        }

        counters.Increment(MessageCounter.Publish);
        counters.Increment(routed ? MessageCounter.Routed : mandatory ? MessageCounter.ReturnUnroutable : MessageCounter.DropUnroutable);
    }

    /// <summary>A request whose reply_to is amq.rabbitmq.reply-to gets the publisher's private reply address instead.</summary>
    private static Message WithDirectReplyAddress(Message message, string? address)
    {
        if ((message.Summary.Flags & PropertyFlags.ReplyTo) == 0)
        {
            return message;
        }

        var properties = BasicProperties.Decode(message.Properties);
        if (properties.ReplyTo != DirectReplyRegistry.PseudoQueue)
        {
            return message;
        }

        properties.ReplyTo = address ?? throw AmqpException.PreconditionFailed("fast reply consumer does not exist");
        var rewritten = Message.Create(message.Exchange, message.RoutingKey, properties.Encode(), message.Body);
        message.Release();
        return rewritten;
    }

    /// <summary>The exchange named (404 when missing, 403 when internal); a publisher mostly uses one, so the last is kept.</summary>
    private Exchange ResolveExchange(string name)
    {
        var exchange = _lastExchange;
        if (exchange is null || exchange.IsDeleted || exchange.Name != name)
        {
            exchange = _lastExchange = _virtualHost.GetExchange(name);
        }

        if (exchange.Definition.Internal)
        {
            throw AmqpException.AccessRefused($"cannot publish to internal exchange '{name}' in vhost '{_virtualHost.Name}'");
        }

        return exchange;
    }
}
