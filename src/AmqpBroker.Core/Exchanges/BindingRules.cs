using AmqpBroker.Core.DirectReply;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// RabbitMQ's checks before queue.bind/unbind and exchange.bind/unbind touch a binding: the permissions on
/// both ends in its order, that neither end is the default exchange, and (4.2.6+) that a queue end is no direct reply-to address.
/// </summary>
internal static class BindingRules
{
    /// <summary>
    /// Write on the destination, then neither end may be the default exchange, then read on the source —
    /// all before either end is looked up.
    /// </summary>
    public static void CheckBindingAccess(ResourceAccess? access, ResourceKind destinationKind, string destination, string source)
    {
        access?.Check(AccessKind.Write, destinationKind, destination);
        if (destinationKind == ResourceKind.Exchange)
        {
            CheckNotDefault(destination);
        }

        CheckNotDefault(source);
        access?.Check(AccessKind.Read, ResourceKind.Exchange, source);
    }

    /// <summary>
    /// After the permissions: a topic exchange as the source also needs the user's topic permission to read with the
    /// binding key (RabbitMQ checks it once the source is known to exist, for bind and unbind alike).
    /// </summary>
    public static void CheckTopicRead(ResourceAccess? access, Exchange? source, string bindingKey)
    {
        if (access is not null && source is { Definition.Type: ExchangeTypes.Topic })
        {
            access.CheckTopic(AccessKind.Read, source.Name, bindingKey);
        }
    }

    /// <summary>
    /// Before anything else about a queue.bind or queue.unbind: from 4.2.6 a direct reply-to address is no destination
    /// (<see cref="VersionProfile.DirectReplyToBindingsRefused"/>; rabbit_volatile_queue:is/1 matches the
    /// <c>amq.rabbitmq.reply-to.</c> prefix only, not the pseudo-queue's bare name).
    /// </summary>
    public static void CheckNotDirectReply(VersionProfile profile, string queueName)
    {
        if (profile.DirectReplyToBindingsRefused && DirectReplyRegistry.IsAddress(queueName))
        {
            throw AmqpException.AccessRefused("cannot bind or unbind to a volatile (direct reply-to) queue");
        }
    }

    /// <summary>403 ACCESS_REFUSED for the default exchange, which takes no explicit bindings.</summary>
    public static void CheckNotDefault(string exchangeName)
    {
        if (exchangeName.Length == 0)
        {
            throw AmqpException.AccessRefused("operation not permitted on the default exchange");
        }
    }

    /// <summary>The named exchange as one end of a binding: not the default one, and existing (404 otherwise).</summary>
    public static Exchange GetBindableExchange(VirtualHosts.VirtualHost virtualHost, string name)
    {
        CheckNotDefault(name);
        return virtualHost.GetExchange(name);
    }
}
