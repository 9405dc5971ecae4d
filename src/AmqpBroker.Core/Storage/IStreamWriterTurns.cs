namespace AmqpBroker.Core.Storage;

/// <summary>
/// The turns of a stream's writer. osiris writes what its writer took from its mailbox in one turn as one
/// chunk; a stream's log here lets a chunk take every append until the writer's next turn.
/// </summary>
public interface IStreamWriterTurns
{
    /// <summary>How many turns the writer has taken so far (read from any thread).</summary>
    long Taken { get; }

    /// <summary>A chunk opened: asks for the turn that will close it (nothing to do where an append already asks).</summary>
    void Request();
}
