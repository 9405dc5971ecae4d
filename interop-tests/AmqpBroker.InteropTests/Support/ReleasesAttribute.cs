using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using NUnit.Framework.Internal.Builders;

namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Builds a fixture once per RabbitMQ release it names, each instance running the in-process broker with that release's
/// profile (<see cref="BrokerTestBase"/> reads it back through <see cref="ReleaseOf"/> as its <c>RabbitMQVersion</c>):
/// <c>[Releases("3.10", "4.0")]</c> on a fixture that checks a behaviour in the releases where it differs. NUnit uses the
/// fixture attributes of the most derived class that has any, so this replaces <see cref="EveryProfileAttribute"/>.
/// Each instance takes the class's own test attributes (<c>[OwnBrokerOnly]</c>, <c>[NonParallelizable]</c>), as one
/// built by <c>[TestFixture]</c> does. Against <c>AMQP_URI</c> only the instance whose release is that broker's runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReleasesAttribute(params string[] releases) : NUnitAttribute, IFixtureBuilder, IFixtureBuilder2
{
    private const string ReleaseProperty = "RabbitMQRelease";

    /// <summary>The releases the fixture runs as, one instance each.</summary>
    public IReadOnlyList<string> Releases { get; } = releases;

    /// <summary>The release this fixture instance runs as, or null for a fixture no release attribute built.</summary>
    public static string? ReleaseOf(TestContext.TestAdapter fixture) => fixture.Properties.Get(ReleaseProperty) as string;

    public IEnumerable<TestSuite> BuildFrom(ITypeInfo typeInfo) => BuildFrom(typeInfo, EveryTest.Instance);

    public IEnumerable<TestSuite> BuildFrom(ITypeInfo typeInfo, IPreFilter filter)
    {
        var builder = new NUnitTestFixtureBuilder();
        foreach (var release in Releases)
        {
            var parameters = new TestFixtureParameters { TestName = $"{typeInfo.GetDisplayName()}({release})" };
            parameters.Properties.Set(ReleaseProperty, release);
            var fixture = builder.BuildFrom(typeInfo, filter, parameters);
            fixture.ApplyAttributesToTest(typeInfo.Type);
            yield return fixture;
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
