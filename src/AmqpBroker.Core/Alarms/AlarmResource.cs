namespace AmqpBroker.Core.Alarms;

/// <summary>The resources RabbitMQ raises alarms for. Memory and disk block publishers; the file descriptor limit refuses new connections.</summary>
public enum AlarmResource
{
    Memory,
    Disk,
    FileDescriptorLimit,
}

/// <summary>What each alarm means, in RabbitMQ's terms.</summary>
public static class AlarmResources
{
    /// <summary>Every resource, in the order alarms are listed.</summary>
    public static IReadOnlyList<AlarmResource> All { get; } = [AlarmResource.Memory, AlarmResource.Disk, AlarmResource.FileDescriptorLimit];

    /// <summary>
    /// Whether the alarm blocks publishing connections (connection.blocked). RabbitMQ's memory and disk
    /// alarms do; its file_descriptor_limit alarm is local and only stops new connections from being served.
    /// </summary>
    public static bool BlocksPublishers(this AlarmResource resource) => resource is AlarmResource.Memory or AlarmResource.Disk;

    /// <summary>The name in the health checks' <c>alarms</c> list (RabbitMQ's <c>rabbit_alarm:format_as_map</c>).</summary>
    public static string HealthCheckName(this AlarmResource resource) => resource switch
    {
        AlarmResource.Memory => "memory",
        AlarmResource.Disk => "disk space",
        _ => "file descriptors",
    };
}
