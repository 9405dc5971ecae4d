using System.Collections;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The messages a log replay finds, in id order, kept in blocks small enough to stay out of the large
/// object heap: replaying millions of records neither doubles one huge array nor leaves outgrown ones
/// behind, and the queue that takes them over lets go of the blocks once it has indexed them.
/// </summary>
internal sealed class ReplayedEntries : IReadOnlyList<RecoveredEntry>
{
    // 2,048 entries of 32 bytes stay below the 85,000 bytes at which arrays go to the large object heap.
    private const int BlockSize = 2048;

    private readonly List<RecoveredEntry[]> _blocks = [];

    public int Count { get; private set; }

    RecoveredEntry IReadOnlyList<RecoveredEntry>.this[int index] => At(index);

    public ref RecoveredEntry At(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return ref _blocks[index / BlockSize][index % BlockSize];
    }

    public void Add(in RecoveredEntry entry)
    {
        if (Count == _blocks.Count * BlockSize)
        {
            _blocks.Add(new RecoveredEntry[BlockSize]);
        }

        Count++;
        At(Count - 1) = entry;
    }

    /// <summary>The index of the entry with <paramref name="id"/>, or -1; the entries are in id order.</summary>
    public int IndexOf(long id)
    {
        var (low, high) = (0, Count - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var found = At(middle).Id;
            if (found == id)
            {
                return middle;
            }

            (low, high) = found < id ? (middle + 1, high) : (low, middle - 1);
        }

        return -1;
    }

    /// <summary>Removes the entries <paramref name="drop"/> picks, keeping the others in order, and frees the blocks left empty.</summary>
    public void RemoveAll(Func<RecoveredEntry, bool> drop)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (!drop(At(i)))
            {
                At(kept++) = At(i);
            }
        }

        Count = kept;
        var blocksNeeded = (kept + BlockSize - 1) / BlockSize;
        _blocks.RemoveRange(blocksNeeded, _blocks.Count - blocksNeeded);
    }

    public IEnumerator<RecoveredEntry> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return At(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
