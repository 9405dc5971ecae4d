namespace AmqpBroker.Core.Alarms;

/// <summary>
/// The node's limited resources and their alarms: the file descriptors now; a memory watermark and a
/// disk-free monitor join here as further sources of <see cref="Alarms"/>.
/// </summary>
public sealed class NodeResources(ResourceAlarms alarms, FileDescriptors descriptors)
{
    public ResourceAlarms Alarms => alarms;

    public FileDescriptors Descriptors => descriptors;

    /// <summary>Alarms that log nothing and a descriptor budget for <see cref="FileDescriptors.UnknownLimit"/>: for brokers built without a host.</summary>
    public static NodeResources CreateDefault()
    {
        var alarms = new ResourceAlarms();
        return new NodeResources(alarms, new FileDescriptors(FileDescriptors.UnknownLimit, 0, alarms));
    }
}
