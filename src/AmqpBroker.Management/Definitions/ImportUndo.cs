using AmqpBroker.Core;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// A definitions import applied all or nothing: every change goes into one store batch, and every change
/// made in memory leaves a step that undoes it. When an entry fails, the steps run newest first and the
/// batch is committed with the changes and their undoing — so the file on disk never holds half an
/// import, and changes other clients made meanwhile are kept. Only if undoing fails too is the batch
/// rolled back.
/// </summary>
internal sealed class ImportUndo
{
    private readonly List<Action> _steps = [];

    /// <summary>Records how to undo a change that was just made.</summary>
    public void Add(Action step) => _steps.Add(step);

    /// <summary>Applies the import in one batch; on failure, undoes what it applied and rethrows.</summary>
    public static void Run(Broker broker, Action<ImportUndo> import)
    {
        using var batch = broker.BeginDefinitionBatch();
        var undo = new ImportUndo();
        try
        {
            import(undo);
        }
        catch
        {
            undo.Revert();
            batch.Commit();
            throw;
        }

        batch.Commit();
    }

    private void Revert()
    {
        for (var i = _steps.Count - 1; i >= 0; i--)
        {
            _steps[i]();
        }
    }
}
