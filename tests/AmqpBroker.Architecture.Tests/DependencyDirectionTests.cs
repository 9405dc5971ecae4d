using System.Reflection;

namespace AmqpBroker.Architecture.Tests;

/// <summary>
/// DESIGN.md §3's dependency direction, checked on the compiled assemblies: Protocol depends on the BCL
/// alone; Core never on Server, Storage, Management, Shovel, Hosting, ASP.NET or SQLite; Storage, Server,
/// Management and Shovel never on each other. A reference the design forbids fails here, whatever compiles.
/// </summary>
[TestFixture]
public sealed class DependencyDirectionTests
{
    private static readonly string[] Projects = ["Protocol", "Core", "Storage", "Server", "Management", "Shovel"];

    private static IEnumerable<TestCaseData> Rules()
    {
        yield return Rule("Protocol", forbidden: [.. Projects, "Hosting", "Microsoft.", "RabbitMQ."]);
        yield return Rule("Core", forbidden: ["Storage", "Server", "Management", "Shovel", "Hosting", "Microsoft.AspNetCore", "Microsoft.Data.Sqlite", "RabbitMQ."]);
        yield return Rule("Storage", forbidden: ["Server", "Management", "Shovel", "Hosting", "Microsoft.AspNetCore"]);
        yield return Rule("Server", forbidden: ["Storage", "Management", "Shovel", "Hosting", "Microsoft.Data.Sqlite"]);
        yield return Rule("Management", forbidden: ["Storage", "Server", "Shovel", "Hosting", "Microsoft.Data.Sqlite"]);
        yield return Rule("Shovel", forbidden: ["Storage", "Server", "Management", "Hosting", "Microsoft.AspNetCore", "Microsoft.Data.Sqlite"]);
    }

    [TestCaseSource(nameof(Rules))]
    public void A_project_references_nothing_the_design_forbids(string project, string[] forbidden)
    {
        var references = Assembly.Load($"AmqpBroker.{project}").GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var violations = references.Where(name => forbidden.Any(f => Matches(name, f))).ToList();

        Assert.That(violations, Is.Empty, $"AmqpBroker.{project} references {string.Join(", ", references)}");
    }

    [Test]
    public void Protocol_depends_on_the_base_class_library_alone()
    {
        var references = Assembly.Load("AmqpBroker.Protocol").GetReferencedAssemblies().Select(a => a.Name!);

        Assert.That(references.Where(name => !name.StartsWith("System", StringComparison.Ordinal) && name is not ("netstandard" or "mscorlib")), Is.Empty);
    }

    [Test]
    public void Hosting_is_the_one_library_that_references_every_other()
    {
        var references = Assembly.Load("AmqpBroker.Hosting").GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.That(Projects.Where(p => p != "Protocol").Select(p => $"AmqpBroker.{p}"), Is.SubsetOf(references));
    }

    private static TestCaseData Rule(string project, string[] forbidden) =>
        new TestCaseData(project, forbidden.Where(f => f != project).ToArray()).SetArgDisplayNames(project);

    /// <summary>A project name stands for its assembly; a dotted prefix for a family of assemblies.</summary>
    private static bool Matches(string assembly, string forbidden) =>
        forbidden.EndsWith('.') || forbidden.Contains('.')
            ? assembly.StartsWith(forbidden, StringComparison.Ordinal)
            : assembly == $"AmqpBroker.{forbidden}";
}
