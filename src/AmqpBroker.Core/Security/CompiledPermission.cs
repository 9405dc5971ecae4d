namespace AmqpBroker.Core.Security;

/// <summary>A <see cref="Core.Security.Permission"/> with its three patterns parsed, as the broker checks it.</summary>
internal sealed class CompiledPermission
{
    private readonly ResourcePattern _configure;
    private readonly ResourcePattern _write;
    private readonly ResourcePattern _read;

    public CompiledPermission(Permission permission)
    {
        Permission = permission;
        _configure = ResourcePattern.Parse(permission.Configure);
        _write = ResourcePattern.Parse(permission.Write);
        _read = ResourcePattern.Parse(permission.Read);
    }

    public Permission Permission { get; }

    public bool Allows(AccessKind access, string resourceName) => access switch
    {
        AccessKind.Configure => _configure.Matches(resourceName),
        AccessKind.Write => _write.Matches(resourceName),
        _ => _read.Matches(resourceName),
    };
}
