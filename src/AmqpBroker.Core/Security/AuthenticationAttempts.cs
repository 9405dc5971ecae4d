using System.Collections.Concurrent;

namespace AmqpBroker.Core.Security;

/// <summary>
/// Login attempts since start, per protocol (<c>amqp091</c>, <c>http</c>), as RabbitMQ counts them for its
/// <c>rabbitmq_auth_attempts_*</c> metrics and /api/auth/attempts.
/// </summary>
public sealed class AuthenticationAttempts
{
    public const string Amqp = "amqp091";
    public const string Http = "http";

    private readonly ConcurrentDictionary<string, Counts> _counts = new(StringComparer.Ordinal);

    /// <summary>The counts per protocol, for the protocols that have seen an attempt.</summary>
    public IReadOnlyList<(string Protocol, long Succeeded, long Failed)> Snapshot() =>
        [.. _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value.Succeeded, c.Value.Failed))];

    public void Succeeded(string protocol) => CountsOf(protocol).AddSucceeded();

    public void Failed(string protocol) => CountsOf(protocol).AddFailed();

    private Counts CountsOf(string protocol) => _counts.GetOrAdd(protocol, static _ => new Counts());

    private sealed class Counts
    {
        private long _succeeded;
        private long _failed;

        public long Succeeded => Interlocked.Read(ref _succeeded);

        public long Failed => Interlocked.Read(ref _failed);

        public void AddSucceeded() => Interlocked.Increment(ref _succeeded);

        public void AddFailed() => Interlocked.Increment(ref _failed);
    }
}
