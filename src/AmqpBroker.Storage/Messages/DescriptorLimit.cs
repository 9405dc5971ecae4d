using System.Runtime.InteropServices;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The process's limit on open file descriptors (the soft RLIMIT_NOFILE), which bounds the segment files
/// the store keeps open. .NET does not expose it, so it comes from libc; Windows has no such limit.
/// </summary>
public static partial class DescriptorLimit
{
    /// <summary>The soft limit, or null where there is none to read (Windows, or an unlimited one).</summary>
    public static long? Read()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var resource = OperatingSystem.IsLinux() ? 7 : 8; // RLIMIT_NOFILE: 7 on Linux, 8 on macOS and the BSDs
        return GetLimit(resource, out var limit) == 0 && limit.Current < long.MaxValue ? (long)limit.Current : null;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, out ResourceLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
