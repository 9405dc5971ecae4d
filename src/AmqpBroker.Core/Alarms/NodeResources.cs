namespace AmqpBroker.Core.Alarms;

/// <summary>
/// The node's limited resources and their alarms: file descriptors, memory (the high watermark) and the disk
/// holding the data (the free limit); each raises its own alarm in <see cref="Alarms"/>.
/// </summary>
public sealed class NodeResources(ResourceAlarms alarms, FileDescriptors descriptors, MemoryWatermark? memory = null, DiskFreeLimit? disk = null)
{
    public ResourceAlarms Alarms => alarms;

    public FileDescriptors Descriptors => descriptors;

    /// <summary>The memory high watermark, or null when none is set (a broker built without a host).</summary>
    public MemoryWatermark? Memory => memory;

    /// <summary>The disk free limit, or null when nothing is written to disk.</summary>
    public DiskFreeLimit? Disk => disk;

    /// <summary>Alarms that log nothing and a descriptor budget for <see cref="FileDescriptors.UnknownLimit"/>: for brokers built without a host.</summary>
    public static NodeResources CreateDefault()
    {
        var alarms = new ResourceAlarms();
        return new NodeResources(alarms, new FileDescriptors(FileDescriptors.UnknownLimit, 0, alarms));
    }
}
