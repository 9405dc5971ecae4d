using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Storage;

/// <summary>
/// One queue's temporary file for the bodies of messages its log does not keep (transient messages, and
/// every message of a queue without a log) while they wait beyond the queue's in-memory limit or under
/// memory pressure. Nothing in it survives the process: it is never synced, and the store deletes what is
/// left at start. The queue calls it under its own lock.
/// </summary>
public interface ITransientPages : IDisposable
{
    /// <summary>What <see cref="Append"/> returns when the message stays in memory (the file failed).</summary>
    const long NotPaged = -1;

    /// <summary>Ready messages a queue keeps in memory before it pages (the same limit as a log's).</summary>
    int InMemoryLimit { get; }

    /// <summary>Whether the node is short of memory (its memory alarm is raised): queues page from the first message then.</summary>
    bool UnderMemoryPressure { get; }

    /// <summary>
    /// Has the store call <paramref name="pageOut"/> (on a thread of its own) while the node's memory alarm is raised,
    /// so that the queue moves the messages it holds in memory to this file; it returns how many bytes it moved.
    /// </summary>
    void OnMemoryPressure(Func<long> pageOut);

    /// <summary>Writes <paramref name="message"/> out and returns where (a non-negative number for <see cref="Read"/>), or <see cref="NotPaged"/>.</summary>
    long Append(Message message);

    /// <summary>Reads back the message at <paramref name="location"/>, which is still held; fails as <see cref="IQueueLog.Read"/> does.</summary>
    Message Read(long location);

    /// <summary>The message at <paramref name="location"/> is no longer needed here; a file whose messages are all released goes.</summary>
    void Release(long location);
}
