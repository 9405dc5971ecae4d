namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Base of fixtures that run the broker executable from a working directory of each test's own: the processes a
/// test starts with <see cref="StartBroker"/> are stopped, and the directory deleted, after it.
/// </summary>
public abstract class ExecutableFixture
{
    private readonly Leftovers _leftovers = new();

    /// <summary>This test's directory, where the broker runs (and keeps ./data unless told otherwise).</summary>
    protected string WorkingDirectory { get; private set; } = null!;

    [SetUp]
    public void CreateWorkingDirectory() => WorkingDirectory = _leftovers.NewDirectory("amqpbroker-exe-");

    [TearDown]
    public Task StopBrokersAsync() => _leftovers.CleanUpAsync();

    /// <summary>Starts the broker executable in <see cref="WorkingDirectory"/> (<see cref="BrokerProcess.Start"/>).</summary>
    private protected BrokerProcess StartBroker(string[] args, Dictionary<string, string>? environment = null, int? openFileLimit = null) =>
        _leftovers.Add(BrokerProcess.Start(args, environment ?? [], WorkingDirectory, openFileLimit));
}
