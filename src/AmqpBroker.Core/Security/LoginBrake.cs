using System.Collections.Concurrent;
using System.Net;

namespace AmqpBroker.Core.Security;

/// <summary>
/// Slows down password guessing from one address, which RabbitMQ does not: after <see cref="FreeFailures"/>
/// failed logins from an address within <see cref="Window"/>, each further refusal to it waits the configured
/// delay. An address that stays quiet for a window starts afresh. The table is bounded: when full, the
/// entries whose window has passed are dropped, and if none has, new addresses are not tracked.
/// </summary>
public sealed class LoginBrake(TimeProvider time, TimeSpan delay)
{
    /// <summary>Failures from one address answered at once within a window.</summary>
    public const int FreeFailures = 3;

    /// <summary>Addresses tracked at most.</summary>
    public const int Capacity = 10_000;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<IPAddress, Failures> _failures = new();

    /// <summary>Records a failed login from <paramref name="address"/>; returns how long its refusal is to wait.</summary>
    public TimeSpan OnFailure(IPAddress? address)
    {
        if (address is null || delay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var now = time.GetUtcNow();
        if (_failures.Count >= Capacity && !_failures.ContainsKey(address))
        {
            Prune(now);
            if (_failures.Count >= Capacity)
            {
                return TimeSpan.Zero;
            }
        }

        var failures = _failures.AddOrUpdate(address, _ => new Failures(now, 1), (_, old) => now - old.Since > Window ? new Failures(now, 1) : old with { Count = old.Count + 1 });
        return failures.Count > FreeFailures ? delay : TimeSpan.Zero;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (address, failures) in _failures)
        {
            if (now - failures.Since > Window)
            {
                _failures.TryRemove(address, out _);
            }
        }
    }

    private sealed record Failures(DateTimeOffset Since, int Count);
}
