using System.Security.Cryptography;
using AmqpBroker.Core.DirectReply;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Queues;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Channels;

/// <summary>The queue class: declare, bind, unbind, purge, delete.</summary>
internal sealed partial class AmqpChannel
{
    /// <summary>The queue this channel declared last: an empty queue name in later methods means it.</summary>
    private string? _lastDeclaredQueue;

    private void HandleQueueMethod(uint commandId, ref AmqpReader reader)
    {
        switch (commandId)
        {
            case CommandIds.QueueDeclare:
                DeclareQueue(QueueDeclare.Read(ref reader));
                break;
            case CommandIds.QueueBind:
                BindQueue(QueueBind.Read(ref reader));
                break;
            case CommandIds.QueueUnbind:
                UnbindQueue(QueueUnbind.Read(ref reader));
                break;
            case CommandIds.QueuePurge:
                PurgeQueue(QueuePurge.Read(ref reader));
                break;
            case CommandIds.QueueDelete:
                DeleteQueue(QueueDelete.Read(ref reader));
                break;
            default:
                throw UnsupportedMethod(commandId);
        }
    }

    /// <summary>The queue named, or the last declared one when the name is empty (the spec's rule).</summary>
    private string ResolveQueueName(string name) =>
        name.Length > 0 ? name : _lastDeclaredQueue ?? throw AmqpException.NotFound("no previously declared queue");

    private void DeclareQueue(QueueDeclare declare)
    {
        if (declare.Queue.StartsWith(DirectReplyRegistry.PseudoQueue, StringComparison.Ordinal))
        {
            DeclareDirectReplyQueue(declare);
            return;
        }

        var virtualHost = _context.VirtualHost;
        var serverNamed = declare.Queue.Length == 0 && !declare.Passive;
        var name = serverNamed ? GenerateQueueName() : ResolveQueueName(declare.Queue);
        CheckDeclareFaults(name);
        var definition = new QueueDefinition(name, virtualHost.Name, declare.Durable, declare.Exclusive, declare.AutoDelete, declare.Arguments);
        var creating = !declare.Passive && virtualHost.FindQueue(name) is null;
        if (creating)
        {
            _context.Quota.CheckNewQueue(virtualHost, name);
        }

        var queue = virtualHost.DeclareQueue(definition, _context.Client, declare.Passive, serverNamed, _context.Access);
        if (creating)
        {
            _context.Quota.QueueCreated(name);
        }

        _lastDeclaredQueue = queue.Name;
        if (!declare.NoWait)
        {
            Send(new QueueDeclareOk { Queue = queue.Name, MessageCount = (uint)queue.ReadyCount, ConsumerCount = (uint)queue.ConsumerCount });
        }
    }

    private void BindQueue(QueueBind bind)
    {
        var queue = ResolveQueueName(bind.Queue);
        // The spec: with both queue name and routing key empty, the last declared queue's name is the key.
        var routingKey = bind.Queue.Length == 0 && bind.RoutingKey.Length == 0 ? queue : bind.RoutingKey;
        _context.VirtualHost.Bind(queue, bind.Exchange, routingKey, bind.Arguments, _context.Client, _context.Access);
        if (!bind.NoWait)
        {
            Send(new QueueBindOk());
        }
    }

    private void UnbindQueue(QueueUnbind unbind)
    {
        var queue = ResolveQueueName(unbind.Queue);
        _context.VirtualHost.Unbind(queue, unbind.Exchange, unbind.RoutingKey, unbind.Arguments, _context.Client, _context.Access);
        Send(new QueueUnbindOk());
    }

    private void PurgeQueue(QueuePurge purge)
    {
        var count = GetReadableQueue(purge.Queue).Purge();
        if (!purge.NoWait)
        {
            Send(new QueuePurgeOk { MessageCount = count });
        }
    }

    /// <summary>queue.delete-ok and the basic.cancels the deletion causes on this connection leave in one write, reply first.</summary>
    private void DeleteQueue(QueueDelete delete)
    {
        var writer = _context.Writer;
        writer.HoldServerCancels();
        uint count;
        try
        {
            count = _context.VirtualHost.DeleteQueue(ResolveQueueName(delete.Queue), delete.IfUnused, delete.IfEmpty, _context.Client, _context.Access);
        }
        catch
        {
            writer.ReleaseServerCancels(Number, reply: null);
            throw;
        }

        writer.ReleaseServerCancels(Number, delete.NoWait ? null : ConnectionWriter.Encode(Number, new QueueDeleteOk { MessageCount = count }));
    }

    /// <summary>
    /// RabbitMQ answers every declare of a name starting <c>amq.rabbitmq.reply-to</c> as a passive one, with no permission
    /// check and whatever the flags and arguments (rabbit_channel's first queue.declare clause, v3.10.8 to v4.3.5): the
    /// pseudo-queue and a live reply address exist, with one consumer and no messages; anything else is 404.
    /// </summary>
    private void DeclareDirectReplyQueue(QueueDeclare declare)
    {
        var name = declare.Queue;
        var virtualHost = _context.VirtualHost.Name;
        var exists = name == DirectReplyRegistry.PseudoQueue
            || (DirectReplyRegistry.IsAddress(name)
                && _context.Broker.DirectReplies.Exists(name, _context.Broker.Settings.Profile.DirectReplyAddressesPerVirtualHost ? virtualHost : null));
        if (!exists)
        {
            throw AmqpException.NotFound($"no queue '{name}' in vhost '{virtualHost}'");
        }

        _lastDeclaredQueue = name;
        if (!declare.NoWait)
        {
            Send(new QueueDeclareOk { Queue = name, ConsumerCount = 1 });
        }
    }

    /// <summary>A server-named queue, in RabbitMQ's form <c>amq.gen-</c> plus 22 URL-safe base64 characters.</summary>
    private static string GenerateQueueName() =>
        "amq.gen-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
