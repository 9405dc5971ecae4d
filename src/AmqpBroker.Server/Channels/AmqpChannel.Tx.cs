using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>The tx class: select, commit, rollback. The work held until commit is the <see cref="Transaction"/>.</summary>
internal sealed partial class AmqpChannel
{
    /// <summary><see cref="PublishNow"/> as the delegate a commit routes its publishes with, made once.</summary>
    private readonly Func<Message, bool, bool> _publishNow;

    /// <summary>Set once tx.select was received: publishes and acks then wait for tx.commit.</summary>
    private Transaction? _transaction;

    /// <summary>Whether the commit under way published a persistent message to a durable queue.</summary>
    private bool _commitNeedsSync;

    private void HandleTxMethod(uint commandId, ref AmqpReader reader)
    {
        switch (commandId)
        {
            case CommandIds.TxSelect:
                TxSelect.Read(ref reader);
                BeginTransactions();
                Send(new TxSelectOk());
                break;
            case CommandIds.TxCommit:
                TxCommit.Read(ref reader);
                CommitTransaction();
                break;
            case CommandIds.TxRollback:
                TxRollback.Read(ref reader);
                RequireTransaction().Rollback(Session);
                Send(new TxRollbackOk());
                break;
            default:
                throw UnsupportedMethod(commandId);
        }
    }

    private void BeginTransactions()
    {
        if (_confirms.Enabled)
        {
            throw AmqpException.PreconditionFailed("cannot switch from confirm to tx mode");
        }

        _transaction ??= new Transaction();
    }

    /// <summary>tx.commit: commit-ok goes out once the persistent messages it published are on disk.</summary>
    private void CommitTransaction()
    {
        _commitNeedsSync = false;
        RequireTransaction().Commit(_publishNow);
        _confirms.CommitOk(afterSync: _commitNeedsSync);
    }

    private Transaction RequireTransaction() =>
        _transaction ?? throw AmqpException.PreconditionFailed("channel is not transactional");
}
