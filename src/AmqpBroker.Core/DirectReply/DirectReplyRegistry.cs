using System.Collections.Concurrent;
using System.Security.Cryptography;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Core.DirectReply;

/// <summary>
/// RabbitMQ's direct reply-to: a channel consuming from the pseudo-queue <c>amq.rabbitmq.reply-to</c> gets a
/// private address <c>amq.rabbitmq.reply-to.TOKEN</c>; requests it publishes carry that address as reply_to,
/// and replies published to it go straight to the channel's consumer, with no queue in between.
/// </summary>
public sealed class DirectReplyRegistry
{
    public const string PseudoQueue = "amq.rabbitmq.reply-to";
    public const string AddressPrefix = PseudoQueue + ".";

    private readonly ConcurrentDictionary<string, (Session Session, string ConsumerTag)> _consumers = new(StringComparer.Ordinal);

    public static bool IsAddress(string routingKey) => routingKey.StartsWith(AddressPrefix, StringComparison.Ordinal);

    /// <summary>Registers a channel's reply consumer; returns the address replies are published to.</summary>
    public string Register(Session session, string consumerTag)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _consumers[token] = (session, consumerTag);
        return AddressPrefix + token;
    }

    public void Unregister(string address) => _consumers.TryRemove(address[AddressPrefix.Length..], out _);

    /// <summary>Delivers a reply; false when nobody consumes at that address any more (the reply is unroutable).</summary>
    public bool TryDeliver(string address, Message message) =>
        _consumers.TryGetValue(address[AddressPrefix.Length..], out var consumer)
        && consumer.Session.DeliverDirect(consumer.ConsumerTag, message);

    /// <summary>Whether a channel consumes at <paramref name="address"/>; with <paramref name="virtualHost"/>, a channel of that virtual host.</summary>
    public bool Exists(string address, string? virtualHost = null) =>
        _consumers.TryGetValue(address[AddressPrefix.Length..], out var consumer)
        && (virtualHost is null || consumer.Session.Connection.VirtualHost == virtualHost);
}
