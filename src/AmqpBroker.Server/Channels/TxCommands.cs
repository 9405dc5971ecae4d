using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>The tx class: select, commit, rollback.</summary>
internal static class TxCommands
{
    public static void Handle(AmqpChannel channel, uint commandId, ref AmqpReader reader)
    {
        switch (commandId)
        {
            case CommandIds.TxSelect:
                channel.BeginTransactions();
                channel.Send(new TxSelectOk());
                break;
            case CommandIds.TxCommit:
                channel.CommitTransaction();
                break;
            case CommandIds.TxRollback:
                channel.RollbackTransaction();
                channel.Send(new TxRollbackOk());
                break;
            default:
                throw AmqpChannel.UnsupportedMethod(commandId);
        }
    }
}
