using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Snapshots;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// The messages one delayed-message exchange holds, in order of release time, on one timer of the broker's.
/// A durable exchange keeps them in a message log of its own, as a durable queue does (appended when held,
/// settled when released, the release time in the record's expiry field), so they survive a restart and
/// are released when due, or at once if that passed meanwhile. The log is named like a queue no client can
/// declare (<c>amq.</c> is reserved). Releasing runs on the timer's thread, outside this lock.
/// </summary>
internal sealed class DelayedMessages
{
    private const string LogPrefix = "amq.delayed-message.";

    private readonly Lock _lock = new();
    private readonly PriorityQueue<Held, (long DueMs, long Id)> _held = new();
    private readonly List<Held> _due = [];
    private readonly Action<Message, long> _release;
    private readonly BrokerTimers _timers;
    private readonly TimerTask _timer;
    private readonly IMessageStore _store;
    private readonly string _virtualHost;
    private readonly string _logName;
    private readonly IQueueLog? _log;
    private long _nextId;

    /// <param name="exchange">The exchange's definition: a durable one logs what it holds.</param>
    /// <param name="context">The virtual host's timers and message store.</param>
    /// <param name="release">Routes a released message on (with its delay); the message stays the caller's.</param>
    public DelayedMessages(ExchangeDefinition exchange, ExchangeContext context, Action<Message, long> release)
    {
        _release = release;
        _timers = context.Timers;
        _timer = context.Timers.Create(ReleaseDue);
        _store = context.Messages;
        _virtualHost = context.VirtualHost;
        _logName = LogPrefix + exchange.Name;
        // An in-memory broker's store keeps no log: a durable exchange then holds its messages in memory only, as a durable queue does.
        if (exchange.Durable && _store.OpenQueue(_virtualHost, _logName, out var recovered) is { } log)
        {
            _log = log;
            Recover(log, recovered);
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Holds <paramref name="message"/> (taking a reference) for <paramref name="delayMs"/> from now.</summary>
    public void Hold(Message message, long delayMs)
    {
        message.AddReference();
        HoldUntil(message, delayMs, _timers.NowMs + delayMs);
    }

    /// <summary>What is held, each message with a reference for the snapshot and the time it had left.</summary>
    public List<HeldMessageSnapshot> Snapshot(long nowMs)
    {
        lock (_lock)
        {
            return [.. _held.UnorderedItems.OrderBy(i => i.Priority).Select(i => Snapshotted(i.Element, nowMs))];
        }
    }

    /// <summary>Holds the messages of a snapshot again, each for the time it had left.</summary>
    public void Restore(IReadOnlyList<HeldMessageSnapshot> messages, long nowMs)
    {
        foreach (var held in messages)
        {
            held.Message.AddReference();
            HoldUntil(held.Message, held.DelayMs, nowMs + held.RemainingMs);
        }
    }

    /// <summary>The exchange was deleted: everything held is dropped, the timer stops and the log goes.</summary>
    public void Delete()
    {
        _timer.Cancel();
        lock (_lock)
        {
            while (_held.TryDequeue(out var held, out _))
            {
                held.Message.Release();
            }
        }

        if (_log is not null)
        {
            _store.DeleteQueue(_virtualHost, _logName);
        }
    }

    private static HeldMessageSnapshot Snapshotted(Held held, long nowMs)
    {
        held.Message.AddReference();
        return new HeldMessageSnapshot(held.Message, Math.Max(0, held.DueMs - nowMs), held.DelayMs);
    }

    private void HoldUntil(Message message, long delayMs, long dueMs)
    {
        lock (_lock)
        {
            var id = _nextId++;
            _log?.Append(id, message, dueMs);
            _held.Enqueue(new Held(id, message, delayMs, dueMs), (dueMs, id));
        }

        _timer.RunNoLaterThan(dueMs);
    }

    private void Recover(IQueueLog log, IReadOnlyList<RecoveredEntry> recovered)
    {
        _nextId = log.NextId;
        var nowMs = _timers.NowMs;
        foreach (var entry in recovered)
        {
            // The delay is no longer known after a restart; what is left of it is what the header will say.
            _held.Enqueue(new Held(entry.Id, log.Read(entry.Location), Math.Max(1, entry.ExpiresAt - nowMs), entry.ExpiresAt), (entry.ExpiresAt, entry.Id));
            _timer.RunNoLaterThan(entry.ExpiresAt);
        }
    }

    /// <summary>The timer: releases everything due, in order, then waits for the next.</summary>
    private void ReleaseDue(long nowMs)
    {
        long next;
        lock (_lock)
        {
            while (_held.TryPeek(out var held, out var key) && key.DueMs <= nowMs)
            {
                _held.Dequeue();
                _log?.Settle(held.Id);
                _due.Add(held);
            }

            next = _held.TryPeek(out _, out var first) ? first.DueMs : TimerTask.Never;
        }

        foreach (var held in _due)
        {
            _release(held.Message, held.DelayMs);
            held.Message.Release();
        }

        _due.Clear();
        _timer.RunNoLaterThan(next);
    }

    private readonly record struct Held(long Id, Message Message, long DelayMs, long DueMs);
}
