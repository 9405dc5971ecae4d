using System.Collections.Concurrent;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Tests.TestSupport;

/// <summary>A durability waiter that records each answer: the token and whether the sync succeeded.</summary>
internal sealed class RecordingWaiter : IDurabilityWaiter
{
    private readonly BlockingCollection<(ulong Token, bool Durable)> _answers = [];

    public void OnDurable(ulong token) => _answers.Add((token, true));

    public void OnSyncFailed(ulong token) => _answers.Add((token, false));

    /// <summary>The next answer, waiting for it up to ten seconds.</summary>
    public (ulong Token, bool Durable) Next() =>
        _answers.TryTake(out var answer, TimeSpan.FromSeconds(10)) ? answer : throw new TimeoutException("the store answered no waiter within 10 s");
}
