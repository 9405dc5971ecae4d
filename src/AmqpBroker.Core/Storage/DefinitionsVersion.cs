using System.Security.Cryptography;

namespace AmqpBroker.Core.Storage;

/// <summary>
/// A count that moves on whenever a definition changes: a user, vhost, permission, topic permission, limit, policy or
/// runtime parameter, or any exchange, queue or binding, durable or not. A reader compares it with the one it saw to
/// know cheaply whether an export it made is still current (the management API's definitions ETag, which RabbitMQ
/// derives from its metadata store's Raft index). It moves on only once the change is visible, so what a reader
/// exports after reading the count holds every change counted so far. It may also move when nothing exported changed
/// (an exclusive queue, a refused change), which only costs that reader a fresh export. The count starts at 0 in every
/// broker, so <see cref="Epoch"/>, drawn at random per broker, tells one broker (or run) from another.
/// </summary>
public sealed class DefinitionsVersion
{
    private long _changes;

    /// <summary>A random number fixed for this broker's lifetime.</summary>
    public long Epoch { get; } = RandomNumberGenerator.GetInt32(int.MaxValue);

    /// <summary>How many definition changes this broker has counted since it started.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>Counts a change that is already visible.</summary>
    internal void Advance() => Interlocked.Increment(ref _changes);

    /// <summary>Holds <paramref name="gate"/> for a change; leaving the scope counts the change, then releases the lock.</summary>
    internal ChangeScope Change(Lock gate) => new(this, gate.EnterScope());

    /// <summary>See <see cref="Change"/>.</summary>
    internal ref struct ChangeScope
    {
        private readonly DefinitionsVersion _version;
        private Lock.Scope _scope;

        public ChangeScope(DefinitionsVersion version, Lock.Scope scope)
        {
            _version = version;
            _scope = scope;
        }

        public void Dispose()
        {
            _version.Advance();
            _scope.Dispose();
        }
    }
}
