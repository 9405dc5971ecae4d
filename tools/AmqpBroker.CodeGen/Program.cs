using AmqpBroker.CodeGen;

// Usage: dotnet run --project tools/AmqpBroker.CodeGen [-- <output directory>]
// Regenerates src/AmqpBroker.Protocol/Methods/*.g.cs (or the given directory) from the spec copy here.
var root = RepositoryLayout.FindRoot(Directory.GetCurrentDirectory()) ?? RepositoryLayout.FindRoot(AppContext.BaseDirectory);
if (root is null)
{
    await Console.Error.WriteLineAsync("cannot find AmqpBroker.sln above the current or the program's directory").ConfigureAwait(false);
    return 1;
}

var outputDirectory = args.Length > 0 ? Path.GetFullPath(args[0]) : RepositoryLayout.MethodsDirectory(root);
Directory.CreateDirectory(outputDirectory);

var files = MethodsGenerator.Generate(await File.ReadAllTextAsync(RepositoryLayout.SpecPath(root)).ConfigureAwait(false));
foreach (var (fileName, content) in files)
{
    await File.WriteAllTextAsync(Path.Combine(outputDirectory, fileName), content).ConfigureAwait(false);
}

// Remove generated files the generator no longer produces; hand-written files (no .g.cs) are left alone.
var current = files.Select(f => f.FileName).ToHashSet(StringComparer.Ordinal);
foreach (var stale in Directory.EnumerateFiles(outputDirectory, "*.g.cs").Where(path => !current.Contains(Path.GetFileName(path))))
{
    File.Delete(stale);
    Console.WriteLine($"removed {stale}");
}

Console.WriteLine($"wrote {files.Count} files to {outputDirectory}");
return 0;
