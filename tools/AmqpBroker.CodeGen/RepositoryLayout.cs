namespace AmqpBroker.CodeGen;

/// <summary>Where the generator's input and output live, relative to the repository root.</summary>
internal static class RepositoryLayout
{
    private const string SolutionFileName = "AmqpBroker.sln";

    /// <summary>Walks up from <paramref name="startDirectory"/> to the directory holding AmqpBroker.sln.</summary>
    public static string? FindRoot(string startDirectory)
    {
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    public static string SpecPath(string root) => Path.Combine(root, "tools", "AmqpBroker.CodeGen", MethodsGenerator.SpecFileName);

    public static string MethodsDirectory(string root) => Path.Combine(root, "src", "AmqpBroker.Protocol", "Methods");
}
