using System.Collections.Concurrent;

namespace AmqpBroker.FrameworkTests.Support;

/// <summary>
/// What a framework's handlers saw, counted by key from any thread, and a wait for the number of calls a test
/// expects in all.
/// </summary>
internal sealed class HandledTally<TKey>(int expected) : IDisposable
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, int> _counts = new();
    private readonly CountdownEvent _remaining = new(expected);

    /// <summary>How often each key was seen.</summary>
    public IReadOnlyDictionary<TKey, int> Counts => _counts;

    /// <summary>Calls still expected.</summary>
    public int Remaining => _remaining.CurrentCount;

    /// <summary>A handler saw <paramref name="key"/>.</summary>
    public void Add(TKey key)
    {
        _counts.AddOrUpdate(key, 1, static (_, count) => count + 1);
        _remaining.Signal();
    }

    /// <summary>Whether every expected call came within <paramref name="timeout"/>.</summary>
    public bool Wait(TimeSpan timeout) => _remaining.Wait(timeout);

    public void Dispose() => _remaining.Dispose();
}
