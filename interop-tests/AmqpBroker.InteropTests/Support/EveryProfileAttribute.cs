using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Builds a fixture once per RabbitMQ release in <see cref="Releases"/> (as <see cref="ReleasesAttribute"/> does for the
/// releases it names). It sits on <see cref="BrokerTestBase"/>, so the whole RabbitMQ-compatible suite runs once per
/// release whose behaviour it can see; NUnit uses the fixture attributes of the most derived class that has any, so a
/// fixture with its own <c>[Releases(...)]</c> (one instance per release it checks) or <c>[TestFixture(...)]</c> list
/// replaces this.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class EveryProfileAttribute : NUnitAttribute, IFixtureBuilder, IFixtureBuilder2
{
    /// <summary>
    /// The releases the suite runs as: 3.10, checked side by side with the RabbitMQ on this machine; 4.2, the default
    /// profile; and 4.3, the release with the most differences. 3.13, 4.0 and 4.1 each differ from a neighbour in
    /// a few behaviours, which the fixtures for those behaviours check once per release (Profiles/, QueueTypes/).
    /// <c>INTEROP_PROFILES</c> (comma-separated) runs another list.
    /// </summary>
    public static IReadOnlyList<string> Releases { get; } =
        (Environment.GetEnvironmentVariable("INTEROP_PROFILES") is { Length: > 0 } list ? list : "3.10,4.2,4.3")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static readonly ReleasesAttribute Builder = new([.. Releases]);

    public IEnumerable<TestSuite> BuildFrom(ITypeInfo typeInfo) => Builder.BuildFrom(typeInfo);

    public IEnumerable<TestSuite> BuildFrom(ITypeInfo typeInfo, IPreFilter filter) => Builder.BuildFrom(typeInfo, filter);
}
