using System.Reflection;
using System.Runtime.CompilerServices;

namespace AmqpBroker.Testing.Tests;

/// <summary>
/// These tests stand for a user's suite, so they may use only what the packages make public: no AmqpBroker
/// assembly grants them its internals. (They reference the projects rather than the packed packages, which
/// a single dotnet test run of the solution cannot restore; the packages hold these same assemblies.)
/// </summary>
[TestFixture]
public sealed class PublicApiOnlyTests
{
    [Test]
    public void No_broker_assembly_grants_these_tests_its_internals()
    {
        var self = typeof(PublicApiOnlyTests).Assembly.GetName().Name;
        var brokerAssemblies = typeof(PublicApiOnlyTests).Assembly.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("AmqpBroker.", StringComparison.Ordinal))
            .Select(Assembly.Load)
            .ToList();

        Assert.That(brokerAssemblies.Select(a => a.GetName().Name), Does.Contain("AmqpBroker.Hosting"));
        Assert.That(
            brokerAssemblies.SelectMany(a => a.GetCustomAttributes<InternalsVisibleToAttribute>()).Select(a => a.AssemblyName),
            Has.None.StartsWith(self!));
    }
}
