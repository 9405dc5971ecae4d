namespace AmqpBroker.Core.Shovels;

/// <summary>
/// The broker's running shovels as the admin API sees them (<c>/api/shovels</c>): their status, and a
/// restart. Implemented by the shovel component; the admin API knows only this.
/// </summary>
public interface IShovelSupervisor
{
    /// <summary>Every shovel that has a parameter, ordered by vhost and name.</summary>
    IReadOnlyList<ShovelStatus> Statuses { get; }

    /// <summary>Stops the shovel and starts it again at once; false when there is no such shovel.</summary>
    bool Restart(string virtualHost, string name);
}
