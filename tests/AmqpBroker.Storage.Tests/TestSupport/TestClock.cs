using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Storage.Tests.TestSupport;

/// <summary>Clocks stopped at a given time, for appends whose time a test states.</summary>
internal static class TestClock
{
    /// <summary>A clock that reads <paramref name="unixMs"/> (Unix milliseconds).</summary>
    public static TimeProvider At(long unixMs) => new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));
}
