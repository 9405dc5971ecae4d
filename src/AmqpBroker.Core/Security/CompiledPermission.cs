namespace AmqpBroker.Core.Security;

/// <summary>
/// A <see cref="Core.Security.Permission"/> with its three patterns parsed, as the broker checks it; each match gets
/// <c>matchBudget</c> (<see cref="RegexLimits.BudgetFor"/>).
/// </summary>
internal sealed class CompiledPermission
{
    private readonly ResourcePattern _configure;
    private readonly ResourcePattern _write;
    private readonly ResourcePattern _read;

    public CompiledPermission(Permission permission, TimeSpan matchBudget)
    {
        Permission = permission;
        _configure = ResourcePattern.Parse(permission.Configure, matchBudget);
        _write = ResourcePattern.Parse(permission.Write, matchBudget);
        _read = ResourcePattern.Parse(permission.Read, matchBudget);
    }

    public Permission Permission { get; }

    public bool Allows(AccessKind access, string resourceName) => access switch
    {
        AccessKind.Configure => _configure.Matches(resourceName),
        AccessKind.Write => _write.Matches(resourceName),
        _ => _read.Matches(resourceName),
    };
}
