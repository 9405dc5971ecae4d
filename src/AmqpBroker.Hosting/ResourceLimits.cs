using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Hosting;

/// <summary>The memory watermark and disk free limit a broker is started with, read from its options.</summary>
internal static class ResourceLimits
{
    public static MemoryWatermark Memory(BrokerOptions options, VersionProfile profile, ResourceAlarms alarms)
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var setting = options.MemoryHighWatermark ?? profile.DefaultMemoryHighWatermark.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!MemoryWatermark.TryParseLimit(setting, available, out var limit))
        {
            throw new ArgumentException($"memory high watermark '{setting}' is neither a fraction between 0 and 1 nor a size such as 512MiB", nameof(options));
        }

        return new MemoryWatermark(alarms, limit);
    }

    /// <summary>The disk free limit on <paramref name="dataDirectory"/>'s disk; none in memory (null).</summary>
    public static DiskFreeLimit? Disk(BrokerOptions options, string? dataDirectory, ResourceAlarms alarms)
    {
        if (!ByteSize.TryParse(options.DiskFreeLimit, out var limit))
        {
            throw new ArgumentException($"disk free limit '{options.DiskFreeLimit}' is not a size such as 50MB or 1GiB", nameof(options));
        }

        return dataDirectory is null ? null : new DiskFreeLimit(alarms, dataDirectory, limit);
    }
}
