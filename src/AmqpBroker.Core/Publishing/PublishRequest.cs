using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Publishing;

/// <summary>
/// One message to publish. The exchange and routing key are the message's own; the publisher (who, with
/// which permissions, into which virtual host) is the <see cref="Publisher"/> it is given to.
/// </summary>
/// <param name="Message">The complete message; <see cref="Publisher.Publish"/> takes over the caller's reference.</param>
/// <param name="Mandatory">An unroutable message is handed back for basic.return instead of dropped.</param>
/// <param name="DirectReplyAddress">
/// The publisher's own direct reply-to address, if it consumes from amq.rabbitmq.reply-to: a reply_to of
/// amq.rabbitmq.reply-to is replaced by it (and refused when there is none).
/// </param>
public readonly record struct PublishRequest(Message Message, bool Mandatory = false, string? DirectReplyAddress = null);
