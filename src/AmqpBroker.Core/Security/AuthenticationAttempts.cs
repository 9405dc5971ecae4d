using System.Collections.Concurrent;

namespace AmqpBroker.Core.Security;

/// <summary>
/// Login attempts since start, per protocol (<c>amqp091</c>, <c>http</c>), as RabbitMQ counts them for its
/// <c>rabbitmq_auth_attempts_*</c> metrics and /api/auth/attempts; and, when <paramref name="trackSource"/>
/// (RabbitMQ's <c>track_auth_attempt_source</c>, off by default: every address and user name tried would be
/// kept), per remote address, user name and protocol as well (<c>rabbitmq_auth_attempts_detailed_*</c>,
/// /api/auth/attempts/{node}/source).
/// </summary>
public sealed class AuthenticationAttempts(bool trackSource = false)
{
    public const string Amqp = "amqp091";
    public const string Http = "http";

    private readonly ConcurrentDictionary<string, Counts> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string RemoteAddress, string User, string Protocol), Counts> _sources = new();

    /// <summary>The counts per protocol, for the protocols that have seen an attempt.</summary>
    public IReadOnlyList<(string Protocol, long Succeeded, long Failed)> Snapshot() =>
        [.. _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value.Succeeded, c.Value.Failed))];

    /// <summary>The counts per remote address, user name and protocol; empty unless the source is tracked.</summary>
    public IReadOnlyList<(string RemoteAddress, string User, string Protocol, long Succeeded, long Failed)> Sources() =>
        [.. _sources.OrderBy(s => s.Key.RemoteAddress, StringComparer.Ordinal).ThenBy(s => s.Key.User, StringComparer.Ordinal).ThenBy(s => s.Key.Protocol, StringComparer.Ordinal)
            .Select(s => (s.Key.RemoteAddress, s.Key.User, s.Key.Protocol, s.Value.Succeeded, s.Value.Failed))];

    /// <param name="protocol"><see cref="Amqp"/> or <see cref="Http"/>.</param>
    /// <param name="remoteAddress">The client's address, for the per-source counts.</param>
    /// <param name="user">The user name tried ("" when the attempt did not name one).</param>
    public void Succeeded(string protocol, string remoteAddress = "", string user = "")
    {
        CountsOf(protocol).AddSucceeded();
        if (trackSource)
        {
            _sources.GetOrAdd((remoteAddress, user, protocol), static _ => new Counts()).AddSucceeded();
        }
    }

    /// <inheritdoc cref="Succeeded"/>
    public void Failed(string protocol, string remoteAddress = "", string user = "")
    {
        CountsOf(protocol).AddFailed();
        if (trackSource)
        {
            _sources.GetOrAdd((remoteAddress, user, protocol), static _ => new Counts()).AddFailed();
        }
    }

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
