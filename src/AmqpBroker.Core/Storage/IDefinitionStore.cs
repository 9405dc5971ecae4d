using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.Storage;

/// <summary>
/// Where durable definitions live between runs. Virtual hosts report every change to a durable exchange,
/// queue or binding as it happens, under their topology lock, so the store sees them in order; the broker
/// reports users, permissions, vhosts and policies the same way under its own lock.
/// </summary>
public interface IDefinitionStore : IDisposable
{
    StoredDefinitions Load();

    /// <summary>
    /// Groups every change made until the batch ends into one transaction: none of them reaches the disk
    /// before <see cref="IDefinitionBatch.Commit"/>, and disposing the batch without committing undoes them
    /// all. One batch at a time (a second caller waits); changes other callers make meanwhile join it.
    /// </summary>
    IDefinitionBatch BeginBatch();

    void PutVirtualHost(string name);

    /// <summary>Replaces what is kept of the vhost's metadata (its default queue type).</summary>
    void PutVirtualHostMetadata(string name, VirtualHosts.VirtualHostMetadata metadata);

    /// <summary>Deletes the vhost and everything stored in it: exchanges, queues, bindings, permissions, topic permissions, limits, policies, parameters.</summary>
    void DeleteVirtualHost(string name);

    void PutUser(User user);

    /// <summary>Deletes the user, its permissions, topic permissions and limits.</summary>
    void DeleteUser(string name);

    void PutPermission(Permission permission);

    void DeletePermission(string user, string virtualHost);

    void PutTopicPermission(TopicPermission permission);

    void DeleteTopicPermission(string user, string virtualHost, string exchange);

    /// <summary>Replaces a vhost's limits; an empty list leaves it none.</summary>
    void PutVirtualHostLimits(string virtualHost, IReadOnlyList<Limit> limits);

    /// <summary>Replaces a user's limits; an empty list leaves it none.</summary>
    void PutUserLimits(string user, IReadOnlyList<Limit> limits);

    void PutPolicy(Policy policy);

    void DeletePolicy(string virtualHost, string name);

    /// <summary>Stores a runtime parameter (new or replacing the one of the same component, vhost and name).</summary>
    void PutParameter(RuntimeParameter parameter);

    void DeleteParameter(string component, string virtualHost, string name);

    /// <summary>Stores a global runtime parameter (new or replacing the one of the same name); its value as JSON text.</summary>
    void PutGlobalParameter(string name, string valueJson);

    void DeleteGlobalParameter(string name);

    void PutExchange(ExchangeDefinition exchange);

    /// <summary>Deletes the exchange and every stored binding from or to it.</summary>
    void DeleteExchange(string virtualHost, string name);

    void PutQueue(QueueDefinition queue);

    /// <summary>Deletes the queue and every stored binding to it.</summary>
    void DeleteQueue(string virtualHost, string name);

    void PutBinding(BindingDefinition binding);

    void DeleteBinding(BindingDefinition binding);
}

/// <summary>A batch of changes from <see cref="IDefinitionStore.BeginBatch"/>.</summary>
public interface IDefinitionBatch : IDisposable
{
    /// <summary>Writes every change of the batch at once.</summary>
    void Commit();
}

/// <summary>A binding as stored: names instead of objects, so it can be recreated before its ends exist.</summary>
public sealed record BindingDefinition(
    string VirtualHost,
    string Source,
    string Destination,
    BindingDestinationKind DestinationKind,
    string RoutingKey,
    IReadOnlyDictionary<string, object?> Arguments);

public enum BindingDestinationKind
{
    Queue,
    Exchange,
}

/// <summary>Everything a store holds, as read at start.</summary>
public sealed record StoredDefinitions(
    IReadOnlyList<string> VirtualHosts,
    IReadOnlyList<ExchangeDefinition> Exchanges,
    IReadOnlyList<QueueDefinition> Queues,
    IReadOnlyList<BindingDefinition> Bindings)
{
    public IReadOnlyList<User> Users { get; init; } = [];

    public IReadOnlyList<Permission> Permissions { get; init; } = [];

    public IReadOnlyList<Policy> Policies { get; init; } = [];

    public IReadOnlyList<TopicPermission> TopicPermissions { get; init; } = [];

    public IReadOnlyDictionary<string, IReadOnlyList<Limit>> VirtualHostLimits { get; init; } = new Dictionary<string, IReadOnlyList<Limit>>();

    public IReadOnlyDictionary<string, IReadOnlyList<Limit>> UserLimits { get; init; } = new Dictionary<string, IReadOnlyList<Limit>>();

    public IReadOnlyList<RuntimeParameter> Parameters { get; init; } = [];

    /// <summary>The global runtime parameters: name to value as JSON text.</summary>
    public IReadOnlyDictionary<string, string> GlobalParameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The metadata of the vhosts that have any; the others have <see cref="VirtualHosts.VirtualHostMetadata.None"/>.</summary>
    public IReadOnlyDictionary<string, VirtualHosts.VirtualHostMetadata> VirtualHostMetadata { get; init; } = new Dictionary<string, VirtualHosts.VirtualHostMetadata>();
}
