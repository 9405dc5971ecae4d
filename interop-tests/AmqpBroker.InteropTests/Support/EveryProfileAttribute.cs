using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using NUnit.Framework.Internal.Builders;

namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Builds a fixture once per RabbitMQ release in <see cref="Releases"/>, each instance running the in-process broker
/// with that release's profile (read back through <see cref="ReleaseOf"/>). It sits on <see cref="BrokerTestBase"/>, so
/// the whole RabbitMQ-compatible suite runs once per release whose behaviour it can see; NUnit uses the fixture
/// attributes of the most derived class that has any, so a fixture with its own <c>[TestFixture(...)]</c> list (one
/// instance per release it checks, or a single one) replaces this. Against <c>AMQP_URI</c> only the instance whose
/// release is that broker's runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class EveryProfileAttribute : NUnitAttribute, IFixtureBuilder, IFixtureBuilder2
{
    private const string ReleaseProperty = "RabbitMQRelease";

    /// <summary>
    /// The releases the suite runs as: 3.10, checked side by side with the RabbitMQ on this machine; 4.2, the default
    /// profile; and 4.3, the release with the most differences. 3.13, 4.0 and 4.1 each differ from a neighbour in
    /// a few behaviours, which the fixtures for those behaviours check once per release (Profiles/, QueueTypes/).
    /// <c>INTEROP_PROFILES</c> (comma-separated) runs another list.
    /// </summary>
    public static IReadOnlyList<string> Releases { get; } =
        (Environment.GetEnvironmentVariable("INTEROP_PROFILES") is { Length: > 0 } list ? list : "3.10,4.2,4.3")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The release this fixture instance runs as, or null for a fixture this attribute did not build.</summary>
    public static string? ReleaseOf(TestContext.TestAdapter fixture) => fixture.Properties.Get(ReleaseProperty) as string;

    public IEnumerable<TestSuite> BuildFrom(ITypeInfo typeInfo) => BuildFrom(typeInfo, EveryTest.Instance);

    public IEnumerable<TestSuite> BuildFrom(ITypeInfo typeInfo, IPreFilter filter)
    {
        var builder = new NUnitTestFixtureBuilder();
        foreach (var release in Releases)
        {
            var parameters = new TestFixtureParameters { TestName = $"{typeInfo.GetDisplayName()}({release})" };
            parameters.Properties.Set(ReleaseProperty, release);
            yield return builder.BuildFrom(typeInfo, filter, parameters);
        }
    }

    /// <summary>The filter NUnit's one-argument overload implies: every test of the fixture.</summary>
    private sealed class EveryTest : IPreFilter
    {
        public static readonly EveryTest Instance = new();

        public bool IsMatch(Type type) => true;

        public bool IsMatch(Type type, System.Reflection.MethodInfo method) => true;
    }
}
