using AmqpBroker.Core.Exchanges;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>The exchange class: declare, delete, and RabbitMQ's exchange-to-exchange bind and unbind.</summary>
internal sealed partial class AmqpChannel
{
    private void HandleExchangeMethod(uint commandId, ref AmqpReader reader)
    {
        switch (commandId)
        {
            case CommandIds.ExchangeDeclare:
                DeclareExchange(ExchangeDeclare.Read(ref reader));
                break;
            case CommandIds.ExchangeDelete:
                DeleteExchange(ExchangeDelete.Read(ref reader));
                break;
            case CommandIds.ExchangeBind:
                BindExchange(ExchangeBind.Read(ref reader));
                break;
            case CommandIds.ExchangeUnbind:
                UnbindExchange(ExchangeUnbind.Read(ref reader));
                break;
            default:
                throw UnsupportedMethod(commandId);
        }
    }

    private void DeclareExchange(ExchangeDeclare declare)
    {
        var virtualHost = _context.VirtualHost;
        var definition = new ExchangeDefinition(declare.Exchange, virtualHost.Name, declare.Type, declare.Durable, declare.AutoDelete, declare.Internal, declare.Arguments);
        CheckDeclareFaults(queue: null);
        var creating = !declare.Passive && virtualHost.FindExchange(declare.Exchange) is null;
        if (creating)
        {
            _context.Quota.CheckNewExchange(virtualHost, declare.Exchange);
        }

        virtualHost.DeclareExchange(definition, declare.Passive, _context.Access);
        if (creating)
        {
            _context.Quota.ExchangeCreated(declare.Exchange);
        }

        if (!declare.NoWait)
        {
            Send(new ExchangeDeclareOk());
        }
    }

    private void BindExchange(ExchangeBind bind)
    {
        _context.VirtualHost.BindExchange(bind.Destination, bind.Source, bind.RoutingKey, bind.Arguments, _context.Access);
        if (!bind.NoWait)
        {
            Send(new ExchangeBindOk());
        }
    }

    private void UnbindExchange(ExchangeUnbind unbind)
    {
        _context.VirtualHost.UnbindExchange(unbind.Destination, unbind.Source, unbind.RoutingKey, unbind.Arguments, _context.Access);
        if (!unbind.NoWait)
        {
            Send(new ExchangeUnbindOk());
        }
    }

    private void DeleteExchange(ExchangeDelete delete)
    {
        _context.VirtualHost.DeleteExchange(delete.Exchange, delete.IfUnused, _context.Access);
        if (!delete.NoWait)
        {
            Send(new ExchangeDeleteOk());
        }
    }
}
