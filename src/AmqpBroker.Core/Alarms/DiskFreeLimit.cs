namespace AmqpBroker.Core.Alarms;

/// <summary>
/// RabbitMQ's <c>disk_free_limit</c>: while the file system holding the data directory has less free space than
/// the limit, the disk alarm is raised (publishers blocked); it clears once there is enough again.
/// </summary>
public sealed class DiskFreeLimit(ResourceAlarms alarms, string directory, long limitBytes, Func<long>? readFreeBytes = null)
{
    /// <summary>RabbitMQ's default: 50 MB.</summary>
    public const long DefaultBytes = 50_000_000;

    /// <summary>Who raises the disk alarm here; the message store raises it too, on a failed write, and keeps it.</summary>
    public const string Source = "disk free limit";

    private readonly Func<long> _readFree = readFreeBytes ?? (() => new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace);
    private long _limitBytes = limitBytes;

    public long LimitBytes => Volatile.Read(ref _limitBytes);

    /// <summary>Free space at the last check.</summary>
    public long FreeBytes { get; private set; }

    /// <summary>A new limit at run time (RabbitMQ's <c>rabbitmqctl set_disk_free_limit</c>); it applies from the next check.</summary>
    public void SetLimit(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Volatile.Write(ref _limitBytes, bytes);
    }

    public void Check()
    {
        try
        {
            FreeBytes = _readFree();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The directory's file system cannot be read right now: the alarm stays as it was.
            return;
        }

        if (FreeBytes < LimitBytes)
        {
            alarms.Raise(AlarmResource.Disk, Source);
        }
        else
        {
            alarms.Clear(AlarmResource.Disk, Source);
        }
    }
}
