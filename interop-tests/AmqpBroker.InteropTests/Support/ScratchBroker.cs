namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// The broker executable started by one test on 127.0.0.1 and an ephemeral port, in a temporary directory of its
/// own: its working directory (so a relative or default data directory is there), deleted when it is disposed.
/// For tests that watch the process itself: its memory, its output, its survival.
/// </summary>
internal sealed class ScratchBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private ScratchBroker(DirectoryInfo directory, BrokerProcess process, BrokerReady ready)
    {
        Directory = directory;
        Process = process;
        Ready = ready;
    }

    /// <summary>The broker's working directory.</summary>
    public DirectoryInfo Directory { get; }

    public BrokerProcess Process { get; }

    public BrokerReady Ready { get; }

    /// <summary>guest/guest on the default virtual host.</summary>
    public Uri AmqpUri => new($"amqp://guest:guest@127.0.0.1:{Ready.Port}/");

    /// <summary>Starts the broker and waits for its ready line.</summary>
    /// <param name="name">Part of the temporary directory's name, for whoever finds one left behind.</param>
    /// <param name="args">The command line after the port and address: storage, admin API, limits.</param>
    /// <param name="environment">Variables set for the broker.</param>
    public static async Task<ScratchBroker> StartAsync(string name, string[] args, Dictionary<string, string>? environment = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"amqpbroker-{name}-");
        var process = BrokerProcess.Start(["--port", "0", "--bind", "127.0.0.1", .. args], environment ?? [], directory.FullName);
        try
        {
            return new ScratchBroker(directory, process, await process.WaitForReadyAsync(StartDeadline));
        }
        catch
        {
            await process.DisposeAsync();
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>A connection to the broker without automatic recovery (a test sees every failure).</summary>
    public Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = AmqpUri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Directory.Delete(recursive: true);
    }
}
