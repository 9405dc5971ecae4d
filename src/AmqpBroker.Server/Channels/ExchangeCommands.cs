using AmqpBroker.Core.Exchanges;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>The exchange class: declare, delete, and RabbitMQ's exchange-to-exchange bind and unbind.</summary>
internal static class ExchangeCommands
{
    public static void Handle(AmqpChannel channel, uint commandId, ref AmqpReader reader)
    {
        switch (commandId)
        {
            case CommandIds.ExchangeDeclare:
                Declare(channel, ExchangeDeclare.Read(ref reader));
                break;
            case CommandIds.ExchangeDelete:
                Delete(channel, ExchangeDelete.Read(ref reader));
                break;
            case CommandIds.ExchangeBind:
                Bind(channel, ExchangeBind.Read(ref reader));
                break;
            case CommandIds.ExchangeUnbind:
                Unbind(channel, ExchangeUnbind.Read(ref reader));
                break;
            default:
                throw AmqpChannel.UnsupportedMethod(commandId);
        }
    }

    private static void Declare(AmqpChannel channel, ExchangeDeclare declare)
    {
        var definition = new ExchangeDefinition(declare.Exchange, channel.VirtualHost.Name, declare.Type, declare.Durable, declare.AutoDelete, declare.Internal, declare.Arguments);
        channel.VirtualHost.DeclareExchange(definition, declare.Passive, channel.Access);
        if (!declare.NoWait)
        {
            channel.Send(new ExchangeDeclareOk());
        }
    }

    private static void Bind(AmqpChannel channel, ExchangeBind bind)
    {
        channel.VirtualHost.BindExchange(bind.Destination, bind.Source, bind.RoutingKey, bind.Arguments, channel.Access);
        if (!bind.NoWait)
        {
            channel.Send(new ExchangeBindOk());
        }
    }

    private static void Unbind(AmqpChannel channel, ExchangeUnbind unbind)
    {
        channel.VirtualHost.UnbindExchange(unbind.Destination, unbind.Source, unbind.RoutingKey, unbind.Arguments, channel.Access);
        if (!unbind.NoWait)
        {
            channel.Send(new ExchangeUnbindOk());
        }
    }

    private static void Delete(AmqpChannel channel, ExchangeDelete delete)
    {
        channel.VirtualHost.DeleteExchange(delete.Exchange, delete.IfUnused, channel.Access);
        if (!delete.NoWait)
        {
            channel.Send(new ExchangeDeleteOk());
        }
    }
}
