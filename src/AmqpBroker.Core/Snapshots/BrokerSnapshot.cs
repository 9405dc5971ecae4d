using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.Snapshots;

/// <summary>
/// A broker's state held in memory: users, permissions, virtual hosts with their policies, runtime parameters
/// (shovels) and global ones (the cluster name), exchanges, queues and bindings, and the messages ready in its queues or held by its delayed-message exchanges (each with the
/// time to live or delay it had left). <see cref="Take"/> copies it from a running broker;
/// <see cref="RestoreTo"/> makes a broker's state that again. Messages are shared with the broker, not copied.
/// Not in a snapshot: connections and what belongs to them (channels, consumers, exclusive queues,
/// deliveries not yet acknowledged), and statistics.
/// </summary>
public sealed class BrokerSnapshot
{
    private readonly IReadOnlyList<User> _users;
    private readonly IReadOnlyList<Permission> _permissions;
    private readonly IReadOnlyList<VirtualHostSnapshot> _virtualHosts;
    private readonly IReadOnlyList<RuntimeParameter> _parameters;
    private readonly IReadOnlyList<KeyValuePair<string, JsonElement>> _globalParameters;
    private readonly SecuritySnapshot _security;

    private BrokerSnapshot(
        DateTimeOffset takenAt, IReadOnlyList<User> users, IReadOnlyList<Permission> permissions, IReadOnlyList<VirtualHostSnapshot> virtualHosts, IReadOnlyList<RuntimeParameter> parameters, IReadOnlyList<KeyValuePair<string, JsonElement>> globalParameters, SecuritySnapshot security)
    {
        _security = security;
        _globalParameters = globalParameters;
        TakenAt = takenAt;
        _users = users;
        _permissions = permissions;
        _virtualHosts = virtualHosts;
        _parameters = parameters;
    }

    /// <summary>When the snapshot was taken, on the broker's clock.</summary>
    public DateTimeOffset TakenAt { get; }

    public IReadOnlyList<string> VirtualHosts => [.. _virtualHosts.Select(v => v.Name)];

    public int QueueCount => _virtualHosts.Sum(v => v.Queues.Count);

    /// <summary>Ready messages in all queues, delayed messages not included.</summary>
    public int MessageCount => _virtualHosts.Sum(v => v.Queues.Sum(q => q.Ready.Count));

    /// <summary>Ready messages the snapshot holds for <paramref name="queue"/> in <paramref name="virtualHost"/> (0 when it has no such queue).</summary>
    public int ReadyCount(string virtualHost, string queue) =>
        _virtualHosts.FirstOrDefault(v => v.Name == virtualHost)?.Queues.FirstOrDefault(q => q.Definition.Name == queue)?.Ready.Count ?? 0;

    /// <summary>Copies the state of <paramref name="broker"/> now. Each queue is copied under its own lock; for a consistent copy, take it while no client publishes or consumes.</summary>
    public static BrokerSnapshot Take(Broker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var now = broker.Time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        return new BrokerSnapshot(now, [.. broker.Users.All], [.. broker.Permissions], [.. broker.VirtualHosts.Select(v => v.Snapshot(nowMs))], [.. broker.Parameters.All], broker.GlobalParameters.All, broker.TakeSecurity());
    }

    /// <summary>
    /// Makes the state of <paramref name="broker"/> this snapshot's: every virtual host is deleted (its
    /// connections closed with 320 CONNECTION_FORCED, its queues and messages dropped), users not in the
    /// snapshot are deleted, and the snapshot's users, virtual hosts, permissions, topic permissions, limits,
    /// policies, global parameters, exchanges, queues, bindings and messages are created again, time limits counting on from now. A broker with a data
    /// directory stores the result in one transaction.
    /// </summary>
    public void RestoreTo(Broker broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        using var batch = broker.BeginDefinitionBatch();
        foreach (var virtualHost in broker.VirtualHosts)
        {
            broker.DeleteVirtualHost(virtualHost.Name, ignoringProtection: true);
        }

        var users = _users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var user in broker.Users.All.Where(u => !users.Contains(u.Name)))
        {
            broker.DeleteUser(user.Name);
        }

        foreach (var user in _users)
        {
            broker.PutUser(user);
        }

        RestoreVirtualHosts(broker);
        broker.RestoreSecurity(_security);
        broker.GlobalParameters.Restore(_globalParameters);
        batch.Commit();
    }

    private void RestoreVirtualHosts(Broker broker)
    {
        var nowMs = broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var hosts = _virtualHosts.Select(v => (Snapshot: v, Host: broker.AddVirtualHost(v.Name, v.Metadata))).ToList();
        foreach (var permission in _permissions)
        {
            broker.SetPermission(permission);
        }

        foreach (var (snapshot, host) in hosts)
        {
            foreach (var policy in snapshot.Policies)
            {
                broker.PutPolicy(policy);
            }

            host.Restore(snapshot, nowMs);
        }

        // Deleting the virtual hosts cleared their parameters; shovels start again once their queues exist.
        foreach (var parameter in _parameters)
        {
            broker.Parameters.Put(parameter);
        }
    }
}
