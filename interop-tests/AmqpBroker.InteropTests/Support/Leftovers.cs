namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// What a test started and created, for its tear-down to remove however the test ended: brokers and processes,
/// disposed in the order they were added, then the temporary directories they ran in.
/// </summary>
internal sealed class Leftovers
{
    private readonly List<IAsyncDisposable> _resources = [];
    private readonly List<DirectoryInfo> _directories = [];

    /// <summary>Disposes <paramref name="resource"/> at <see cref="CleanUpAsync"/>.</summary>
    public T Add<T>(T resource)
        where T : IAsyncDisposable
    {
        _resources.Add(resource);
        return resource;
    }

    /// <summary>Leaves <paramref name="resource"/> to the test, which disposes it itself.</summary>
    public void Forget(IAsyncDisposable resource) => _resources.Remove(resource);

    /// <summary>A new temporary directory whose name starts with <paramref name="prefix"/>, deleted at <see cref="CleanUpAsync"/>.</summary>
    public string NewDirectory(string prefix)
    {
        var directory = Directory.CreateTempSubdirectory(prefix);
        _directories.Add(directory);
        return directory.FullName;
    }

    public async Task CleanUpAsync()
    {
        foreach (var resource in _resources)
        {
            await resource.DisposeAsync();
        }

        _resources.Clear();
        foreach (var directory in _directories)
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Something a killed process still held open: the system's temporary-file cleaning takes it.
            }
        }

        _directories.Clear();
    }
}
