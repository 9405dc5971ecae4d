using System.Globalization;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// What the operating system knows about this process, read from Linux's <c>/proc/self</c>: open file
/// descriptors and sockets and their limit. Each figure is null
/// where it cannot be read (another OS, a restricted /proc), so callers leave it out rather than guess.
/// </summary>
internal sealed class ProcessStats
{
    private const string Proc = "/proc/self";

    public long ResidentMemoryBytes { get; } = Environment.WorkingSet;

    public long? OpenFileDescriptors { get; private init; }

    public long? OpenSockets { get; private init; }

    public long? MaxFileDescriptors { get; private init; }

    /// <summary>Sockets are file descriptors; the broker's own connection limit, when set, is lower still.</summary>
    public long? SocketLimit(Core.BrokerSettings settings) => settings.MaxConnections > 0 ? settings.MaxConnections : MaxFileDescriptors;

    public static ProcessStats Read()
    {
        var (files, sockets) = CountDescriptors();
        return new ProcessStats
        {
            OpenFileDescriptors = files,
            OpenSockets = sockets,
            MaxFileDescriptors = ReadOpenFileLimit(),
        };
    }

    /// <summary>Free bytes on the file system holding <paramref name="directory"/>; null without one.</summary>
    public static long? FreeDiskBytes(string? directory)
    {
        if (directory is null)
        {
            return null;
        }

        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static (long? Files, long? Sockets) CountDescriptors()
    {
        try
        {
            long files = 0, sockets = 0;
            foreach (var descriptor in new DirectoryInfo($"{Proc}/fd").EnumerateFileSystemInfos())
            {
                files++;
                if (descriptor.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true)
                {
                    sockets++;
                }
            }

            return (files, sockets);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    private static long? ReadOpenFileLimit()
    {
        var line = ReadLines($"{Proc}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null;
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
