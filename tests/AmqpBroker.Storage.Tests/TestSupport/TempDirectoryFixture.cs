namespace AmqpBroker.Storage.Tests.TestSupport;

/// <summary>A fixture whose every test gets a directory of its own, removed afterwards.</summary>
public abstract class TempDirectoryFixture
{
    /// <summary>The current test's directory (it exists).</summary>
    protected string DataPath { get; private set; } = null!;

    [SetUp]
    public void CreateDirectory()
    {
        DataPath = Path.Combine(Path.GetTempPath(), "amqpbroker-storage-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataPath);
    }

    [TearDown]
    public void RemoveDirectory()
    {
        if (Directory.Exists(DataPath))
        {
            Directory.Delete(DataPath, recursive: true);
        }
    }
}
