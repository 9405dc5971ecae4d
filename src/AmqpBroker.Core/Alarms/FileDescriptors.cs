namespace AmqpBroker.Core.Alarms;

/// <summary>
/// The process's file descriptors, shared the way RabbitMQ's file handle cache shares them: a reserve for
/// what is open already at start plus <see cref="Margin"/> for what opens later (the runtime keeps every
/// assembly it loads open, SQLite, the admin API's sockets, short-lived files); AMQP sockets up to 90% of the rest; and the
/// segment files of durable queues in whatever the sockets leave. When the sockets reach their limit the
/// file_descriptor_limit alarm is raised and further connections are refused until one closes, so no queue
/// operation ever fails for want of a descriptor.
/// </summary>
public sealed class FileDescriptors
{
    /// <summary>
    /// Descriptors kept free beyond those open at start. RabbitMQ keeps 100 for its small runtime; .NET opens
    /// about 100 more after the stores are created (assemblies of the host and the admin API), hence 200.
    /// </summary>
    public const int Margin = 200;

    /// <summary>The limit assumed where the operating system has none to read (RabbitMQ assumes the same).</summary>
    public const long UnknownLimit = 1024;

    /// <summary>Segment files kept open at least, however many sockets there are.</summary>
    public const int MinimumFiles = 8;

    private readonly ResourceAlarms _alarms;
    private readonly int? _maxOpenFiles;
    private int _sockets;

    /// <param name="limit">The process's limit (RLIMIT_NOFILE), reported as fd_total.</param>
    /// <param name="openAtStart">Descriptors already open, which stay reserved.</param>
    /// <param name="alarms">Where the file_descriptor_limit alarm is raised.</param>
    /// <param name="maxOpenFiles">Segment files kept open at most, instead of what the sockets leave.</param>
    public FileDescriptors(long limit, int openAtStart, ResourceAlarms alarms, int? maxOpenFiles = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        Reserved = openAtStart + Margin;
        SocketLimit = (int)Math.Clamp((limit - Reserved) * 9 / 10, 1, int.MaxValue);
        _alarms = alarms;
        _maxOpenFiles = maxOpenFiles;
    }

    /// <summary>The process's descriptor limit (fd_total).</summary>
    public long Limit { get; }

    /// <summary>Descriptors that neither sockets nor segment files may take.</summary>
    public long Reserved { get; }

    /// <summary>AMQP connections served at most at once (sockets_total).</summary>
    public int SocketLimit { get; }

    /// <summary>AMQP connections being served (sockets_used).</summary>
    public int SocketsUsed => Volatile.Read(ref _sockets);

    /// <summary>How many segment files may be open now: a setting, or what the reserve and the sockets leave.</summary>
    public int FileLimit => _maxOpenFiles ?? (int)Math.Clamp(Limit - Reserved - SocketsUsed, MinimumFiles, int.MaxValue);

    /// <summary>
    /// Takes a socket's descriptor for a new connection; false (and the alarm raised) when the sockets are at
    /// their limit, and the connection must be refused.
    /// </summary>
    public bool TryObtainSocket()
    {
        if (Interlocked.Increment(ref _sockets) <= SocketLimit)
        {
            return true;
        }

        Interlocked.Decrement(ref _sockets);
        _alarms.Raise(AlarmResource.FileDescriptorLimit);
        return false;
    }

    /// <summary>A connection obtained with <see cref="TryObtainSocket"/> closed; the alarm clears once below the limit.</summary>
    public void ReleaseSocket()
    {
        if (Interlocked.Decrement(ref _sockets) < SocketLimit)
        {
            _alarms.Clear(AlarmResource.FileDescriptorLimit);
        }
    }

    /// <summary>Descriptors the process has open now (fd_used), counted in /proc/self/fd; 0 where there is no such directory.</summary>
    public static int CountOpen()
    {
        const string Directory = "/proc/self/fd";
        return System.IO.Directory.Exists(Directory) ? System.IO.Directory.EnumerateFileSystemEntries(Directory).Count() : 0;
    }
}
