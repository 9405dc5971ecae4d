using AmqpBroker.Core.DirectReply;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// A channel's consumer on RabbitMQ's direct reply-to pseudo-queue: at most one, no-ack, registered under a
/// private address that the channel's requests carry as reply_to.
/// </summary>
internal sealed class DirectReplyConsumer(DirectReplyRegistry registry, Session session)
{
    private string? _consumerTag;

    /// <summary>The channel's private reply address while it consumes; null otherwise.</summary>
    public string? Address { get; private set; }

    /// <summary>basic.consume on amq.rabbitmq.reply-to; returns the consumer tag.</summary>
    public string Consume(string requestedTag, bool noAck)
    {
        if (!noAck)
        {
            throw AmqpException.PreconditionFailed("reply consumer cannot acknowledge");
        }

        if (Address is not null)
        {
            throw AmqpException.PreconditionFailed("reply consumer already set");
        }

        _consumerTag = requestedTag.Length > 0 ? requestedTag : $"amq.ctag-{Guid.NewGuid():N}";
        Address = registry.Register(session, _consumerTag);
        return _consumerTag;
    }

    /// <summary>basic.cancel; false when the tag is another consumer's.</summary>
    public bool Cancel(string consumerTag)
    {
        if (Address is null || consumerTag != _consumerTag)
        {
            return false;
        }

        Stop();
        return true;
    }

    /// <summary>The channel closes: replies to its address are unroutable from now on.</summary>
    public void Stop()
    {
        if (Address is not null)
        {
            registry.Unregister(Address);
            Address = _consumerTag = null;
        }
    }
}
