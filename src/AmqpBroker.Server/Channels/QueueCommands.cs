using System.Security.Cryptography;
using AmqpBroker.Core.DirectReply;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>The queue class: declare, bind, unbind, purge, delete.</summary>
internal static class QueueCommands
{
    public static void Handle(AmqpChannel channel, uint commandId, ref AmqpReader reader)
    {
        switch (commandId)
        {
            case CommandIds.QueueDeclare:
                Declare(channel, QueueDeclare.Read(ref reader));
                break;
            case CommandIds.QueueBind:
                Bind(channel, QueueBind.Read(ref reader));
                break;
            case CommandIds.QueueUnbind:
                Unbind(channel, QueueUnbind.Read(ref reader));
                break;
            case CommandIds.QueuePurge:
                Purge(channel, QueuePurge.Read(ref reader));
                break;
            case CommandIds.QueueDelete:
                Delete(channel, QueueDelete.Read(ref reader));
                break;
            default:
                throw AmqpChannel.UnsupportedMethod(commandId);
        }
    }

    private static void Declare(AmqpChannel channel, QueueDeclare declare)
    {
        if (declare.Passive && IsDirectReplyQueue(channel, declare.Queue))
        {
            // RabbitMQ lets clients check that the direct reply-to pseudo-queue exists, with one consumer.
            channel.Send(new QueueDeclareOk { Queue = declare.Queue, ConsumerCount = 1 });
            return;
        }

        var serverNamed = declare.Queue.Length == 0 && !declare.Passive;
        var name = serverNamed ? GenerateName() : channel.ResolveQueueName(declare.Queue);
        var definition = new QueueDefinition(name, channel.VirtualHost.Name, declare.Durable, declare.Exclusive, declare.AutoDelete, declare.Arguments);
        var queue = channel.VirtualHost.DeclareQueue(definition, channel.Client, declare.Passive, serverNamed, channel.Access);
        channel.LastDeclaredQueue = queue.Name;
        if (!declare.NoWait)
        {
            channel.Send(new QueueDeclareOk { Queue = queue.Name, MessageCount = (uint)queue.ReadyCount, ConsumerCount = (uint)queue.ConsumerCount });
        }
    }

    private static void Bind(AmqpChannel channel, QueueBind bind)
    {
        var queue = channel.ResolveQueueName(bind.Queue);
        // The spec: with both queue name and routing key empty, the last declared queue's name is the key.
        var routingKey = bind.Queue.Length == 0 && bind.RoutingKey.Length == 0 ? queue : bind.RoutingKey;
        channel.VirtualHost.Bind(queue, bind.Exchange, routingKey, bind.Arguments, channel.Client, channel.Access);
        if (!bind.NoWait)
        {
            channel.Send(new QueueBindOk());
        }
    }

    private static void Unbind(AmqpChannel channel, QueueUnbind unbind)
    {
        var queue = channel.ResolveQueueName(unbind.Queue);
        channel.VirtualHost.Unbind(queue, unbind.Exchange, unbind.RoutingKey, unbind.Arguments, channel.Client, channel.Access);
        channel.Send(new QueueUnbindOk());
    }

    private static void Purge(AmqpChannel channel, QueuePurge purge)
    {
        var name = channel.ResolveQueueName(purge.Queue);
        channel.Access.Check(AccessKind.Read, ResourceKind.Queue, name);
        var queue = channel.VirtualHost.GetQueue(name, channel.Client);
        var count = queue.Purge();
        if (!purge.NoWait)
        {
            channel.Send(new QueuePurgeOk { MessageCount = count });
        }
    }

    private static void Delete(AmqpChannel channel, QueueDelete delete)
    {
        var count = channel.VirtualHost.DeleteQueue(channel.ResolveQueueName(delete.Queue), delete.IfUnused, delete.IfEmpty, channel.Client, channel.Access);
        if (!delete.NoWait)
        {
            channel.Send(new QueueDeleteOk { MessageCount = count });
        }
    }

    private static bool IsDirectReplyQueue(AmqpChannel channel, string name) =>
        name == DirectReplyRegistry.PseudoQueue
        || (DirectReplyRegistry.IsAddress(name) && channel.DirectReplies.Exists(name));

    /// <summary>A server-named queue, in RabbitMQ's form <c>amq.gen-</c> plus 22 URL-safe base64 characters.</summary>
    private static string GenerateName() =>
        "amq.gen-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
