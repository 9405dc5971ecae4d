using System.Collections.Concurrent;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.VirtualHosts;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core;

/// <summary>
/// One broker instance: its virtual hosts, users, permissions, policies, open connections and scheduler.
/// There is no static state, so several brokers can run side by side in one process (as tests do).
/// Changes to users, permissions, virtual hosts and policies are written to the store before they take
/// effect, one at a time.
/// </summary>
public sealed partial class Broker : IDisposable
{
    private readonly ConcurrentDictionary<string, VirtualHost> _virtualHosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ClientConnection, byte> _connections = new();
    private readonly PermissionTable _permissions = new();
    private readonly TopicPermissionTable _topicPermissions = new();
    private readonly Lock _definitions = new();
    private readonly ResourceMonitor _resourceMonitor;
    private readonly IDefinitionStore _store;
    private readonly BrokerServices _services;

    /// <summary>
    /// Creates a broker and recovers what <paramref name="store"/> holds (users, permissions, vhosts, policies,
    /// durable exchanges, queues, bindings) and the persistent messages <paramref name="messages"/> holds for
    /// durable queues; without stores nothing survives the process. A store without users is a first boot,
    /// which creates the default vhost and user as RabbitMQ does.
    /// </summary>
    /// <param name="settings">Protocol limits and the default user.</param>
    /// <param name="time">The broker's one clock: every timer and timestamp reads it.</param>
    /// <param name="store">Where definitions are kept, if anywhere.</param>
    /// <param name="messages">Where persistent messages of durable queues are kept, if anywhere.</param>
    /// <param name="loggers">Where what the broker does on its own is logged (queue expiry, policies, recovery).</param>
    /// <param name="resources">The node's file descriptor budget and resource alarms (defaults that log nothing when null).</param>
    public Broker(BrokerSettings settings, TimeProvider time, IDefinitionStore? store = null, IMessageStore? messages = null, ILoggerFactory? loggers = null, NodeResources? resources = null)
    {
        Settings = settings;
        AuthenticationAttempts = new AuthenticationAttempts(settings.TrackAuthAttemptSource);
        Resources = resources ?? NodeResources.CreateDefault();
        _store = store ?? NoDefinitionStore.Instance;
        Messages = messages ?? new NoMessageStore();
        Faults = new Testing.Faults.BrokerFaults(this);
        Recorder = new Testing.Recording.BrokerRecorder(time);
        loggers ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var timersLog = loggers.CreateLogger(SchedulingLog.Category);
        _services = new BrokerServices
        {
            Settings = settings,
            ExchangeTypes = ExchangeTypeRegistry.For(settings.Profile),
            Faults = Faults,
            Recorder = Recorder,
            Time = time,
            Timers = new BrokerTimers(time, timersLog),
            Definitions = _store,
            DefinitionsVersion = DefinitionsVersion,
            Messages = Messages,
            QueueTypes = Queues.QueueTypeRegistry.CreateBuiltIn(settings.Profile),
            Loggers = loggers,
            Limits = new CreationLimits(settings, () => _virtualHosts.Values, LimitsOfVirtualHost),
        };
        if (!_services.QueueTypes.Knows(settings.DefaultQueueType))
        {
            throw new ArgumentException($"the default queue type must be classic, quorum or stream, not '{settings.DefaultQueueType}'", nameof(settings));
        }

        Scheduler = new BrokerScheduler(time, TimeSpan.FromMilliseconds(250), timersLog);
        LoginBrake = new LoginBrake(time, settings.FailedLoginDelay);
        _resourceMonitor = new ResourceMonitor(Resources, time, timersLog);
        Scheduler.Register(new MemoryReclaimer(WeighQueues, MemoryReclaimer.CollectAggressively).OnTick);
        StartedAt = time.GetUtcNow();
        Parameters = new RuntimeParameters(_store, DefinitionsVersion, name => _virtualHosts.ContainsKey(name));
        GlobalParameters = new GlobalParameters(_store, DefinitionsVersion, NodeName);
        Recover(_store.Load());
        Parameters.Register(new OperatorPolicyComponent(settings.Profile, FindVirtualHost));
    }

    public BrokerSettings Settings { get; }

    /// <summary>Faults on demand for tests of how clients cope (connections closed or dropped, nacks, alarms, ...).</summary>
    public Testing.Faults.BrokerFaults Faults { get; }

    /// <summary>This node's name in RabbitMQ's <c>name@host</c> form.</summary>
    public string NodeName => _services.NodeName;

    /// <summary>A record of every command on every connection, for tests; off until started.</summary>
    public Testing.Recording.BrokerRecorder Recorder { get; }

    /// <summary>The users, for lookup and authentication; change them with <see cref="PutUser"/> and <see cref="DeleteUser"/>.</summary>
    public UserStore Users { get; } = new();

    /// <summary>Login attempts since start, per protocol.</summary>
    public AuthenticationAttempts AuthenticationAttempts { get; }

    /// <summary>Holds back the refusals to an address that keeps failing to log in.</summary>
    public LoginBrake LoginBrake { get; }

    public BrokerScheduler Scheduler { get; }

    /// <summary>The exchange types this broker knows (declare, recovery and the admin API's list read it).</summary>
    public ExchangeTypeRegistry ExchangeTypes => _services.ExchangeTypes;

    public DirectReply.DirectReplyRegistry DirectReplies { get; } = new();

    /// <summary>Runtime parameters (shovels) and the components that own them.</summary>
    public RuntimeParameters Parameters { get; }

    /// <summary>The global runtime parameters, among them the cluster's name and id.</summary>
    public GlobalParameters GlobalParameters { get; }

    /// <summary>Where persistent messages go; publishers wait on it before confirming them.</summary>
    public IMessageStore Messages { get; }

    /// <summary>The node's resources (file descriptors) and their alarms.</summary>
    public NodeResources Resources { get; }

    /// <summary>While a memory or disk alarm is raised, publishing connections are blocked (connection.blocked) until it clears.</summary>
    public ResourceAlarms Alarm => Resources.Alarms;

    public TimeProvider Time => Scheduler.Time;

    /// <summary>Message events of every channel since start (channels count into it as they go).</summary>
    public MessageCounters MessageTotals { get; } = new();

    /// <summary>Connections, channels and queues opened and closed since start (the server counts connection ends and channels).</summary>
    public ChurnCounters Churn => _services.Churn;

    /// <summary>Messages queues gave up since start, by queue type, dead-letter mode and reason.</summary>
    public DeadLetterTotals DeadLetters => _services.DeadLetters;

    /// <summary>When this broker was created, for uptime.</summary>
    public DateTimeOffset StartedAt { get; }

    public IReadOnlyCollection<VirtualHost> VirtualHosts => [.. _virtualHosts.Values];

    public IReadOnlyCollection<ClientConnection> Connections => [.. _connections.Keys];

    public int ConnectionCount => _connections.Count;

    public IReadOnlyCollection<Permission> Permissions => _permissions.All;

    /// <summary>Every policy of every virtual host.</summary>
    public IReadOnlyCollection<Policy> Policies => [.. _virtualHosts.Values.SelectMany(v => v.Policies)];

    public VirtualHost? FindVirtualHost(string name) => _virtualHosts.GetValueOrDefault(name);

    /// <summary>Moves on with every definition change (see <see cref="Storage.DefinitionsVersion"/>).</summary>
    public DefinitionsVersion DefinitionsVersion { get; } = new();

    /// <summary>Stores every definition change until the batch ends in one transaction (a definitions import); see <see cref="IDefinitionStore.BeginBatch"/>.</summary>
    public IDefinitionBatch BeginDefinitionBatch() => _store.BeginBatch();

    /// <summary>
    /// Adds the virtual host with <paramref name="metadata"/> (or returns the existing one). Like RabbitMQ, it grants
    /// nobody any permission on it. An existing vhost given metadata takes its description and tags (rabbit_vhost:update),
    /// and a new default queue type where the profile's release lets one change (3.11.17+), keeping its own otherwise.
    /// </summary>
    public VirtualHost AddVirtualHost(string name, VirtualHostMetadata? metadata = null)
    {
        using (ChangeDefinitions())
        {
            if (_virtualHosts.TryGetValue(name, out var existing))
            {
                var updated = metadata is null ? existing.Metadata : metadata with
                {
                    DefaultQueueType = metadata.DefaultQueueType is not null && Settings.Profile.DefaultQueueTypeUpdatable
                        ? metadata.DefaultQueueType
                        : existing.Metadata.DefaultQueueType,
                    ProtectedFromDeletion = metadata.ProtectedFromDeletion ?? existing.Metadata.ProtectedFromDeletion,
                };
                if (updated != existing.Metadata)
                {
                    _store.PutVirtualHostMetadata(name, updated);
                    existing.Metadata = updated;
                }

                return existing;
            }

            _store.PutVirtualHost(name);
            var virtualHost = new VirtualHost(name, _services);
            if (metadata is not null && metadata != VirtualHostMetadata.None)
            {
                _store.PutVirtualHostMetadata(name, metadata);
                virtualHost.Metadata = metadata;
            }

            _virtualHosts[name] = virtualHost;
            return virtualHost;
        }
    }

    /// <summary>
    /// Deletes the virtual host with everything in it (queues, exchanges, bindings, permissions, policies) and
    /// closes its connections with 320 CONNECTION_FORCED, as RabbitMQ does. False when there is no such vhost. A vhost
    /// protected from deletion is refused with a <see cref="VirtualHostProtectedException"/> where the profile's release
    /// knows protection (<see cref="Profiles.VersionProfile.VirtualHostDeletionProtection"/>; rabbit_vhost:delete at v4.1.0),
    /// unless <paramref name="ignoringProtection"/> (rabbit_vhost:delete_ignoring_protection).
    /// </summary>
    public bool DeleteVirtualHost(string name, bool ignoringProtection = false)
    {
        VirtualHost? virtualHost;
        using (ChangeDefinitions())
        {
            if (!ignoringProtection && Settings.Profile.VirtualHostDeletionProtection
                && _virtualHosts.TryGetValue(name, out var existing) && existing.Metadata.ProtectedFromDeletion == true)
            {
                throw new VirtualHostProtectedException(name);
            }

            if (!_virtualHosts.TryRemove(name, out virtualHost))
            {
                return false;
            }

            _store.DeleteVirtualHost(name);
            _permissions.ClearWhere(p => p.VirtualHost == name);
            ForgetVirtualHostSecurity(name);
        }

        Parameters.OnVirtualHostDeleted(name);
        ForceClose(c => c.VirtualHost == name, VirtualHostDeletedReason(name));
        virtualHost.DeleteAll();
        return true;
    }

    /// <summary>
    /// Protects the vhost from deletion or lifts that (rabbit_db_vhost:enable_protection_from_deletion and
    /// disable_protection_from_deletion at v4.1.0: the metadata's <c>protected_from_deletion</c> is set either way).
    /// False when there is no such vhost.
    /// </summary>
    public bool ProtectVirtualHost(string name, bool protect)
    {
        using (ChangeDefinitions())
        {
            if (!_virtualHosts.TryGetValue(name, out var virtualHost))
            {
                return false;
            }

            var updated = virtualHost.Metadata with { ProtectedFromDeletion = protect };
            _store.PutVirtualHostMetadata(name, updated);
            virtualHost.Metadata = updated;
            return true;
        }
    }

    public void OnConnectionOpened(ClientConnection connection)
    {
        _connections.TryAdd(connection, 0);
        Churn.OnConnectionOpened();

        // Deleted while this connection was opening: it goes the way of the others.
        if (!_virtualHosts.ContainsKey(connection.VirtualHost))
        {
            connection.ForceClose(VirtualHostDeletedReason(connection.VirtualHost));
        }
        else if (Users.Find(connection.User.Name) is null)
        {
            connection.ForceClose(UserDeletedReason(connection.User.Name));
        }
    }

    public void OnConnectionClosed(ClientConnection connection)
    {
        if (_connections.TryRemove(connection, out _))
        {
            FindVirtualHost(connection.VirtualHost)?.OnConnectionClosed(connection);
        }
    }

    /// <summary>Takes the definitions lock for a change, which <see cref="DefinitionsVersion"/> counts as the lock is left.</summary>
    private DefinitionsVersion.ChangeScope ChangeDefinitions() => DefinitionsVersion.Change(_definitions);

    /// <summary>What every queue holds ready, for <see cref="MemoryReclaimer"/>.</summary>
    private long WeighQueues()
    {
        long messages = 0, bytes = 0;
        foreach (var virtualHost in _virtualHosts.Values)
        {
            foreach (var queue in virtualHost.Queues)
            {
                messages += queue.ReadyCount;
                bytes += queue.ReadyBytes;
            }
        }

        return MemoryReclaimer.Weigh(messages, bytes);
    }

    /// <summary>Stops the scheduler and the timers and closes the stores, which the broker owns once given them.</summary>
    public void Dispose()
    {
        _resourceMonitor.Dispose();
        Scheduler.Dispose();
        _services.Timers.Dispose();
        Messages.Dispose();
        _store.Dispose();
    }

    /// <summary>Users, vhosts, permissions, policies and parameters first, then each vhost's durable topology and messages.</summary>
    private void Recover(StoredDefinitions stored)
    {
        foreach (var user in stored.Users)
        {
            Users.Put(user);
        }

        foreach (var name in stored.VirtualHosts)
        {
            _virtualHosts[name] = new VirtualHost(name, _services)
            {
                Metadata = stored.VirtualHostMetadata.GetValueOrDefault(name) ?? VirtualHostMetadata.None,
            };
        }

        foreach (var permission in stored.Permissions)
        {
            _permissions.Set(new CompiledPermission(permission, MatchBudget));
        }

        foreach (var policy in stored.Policies)
        {
            FindVirtualHost(policy.VirtualHost)?.PutPolicy(PolicyValidator.Compile(policy, Settings.Profile));
        }

        RecoverSecurity(stored);
        Parameters.Restore(stored.Parameters);
        GlobalParameters.Start(stored.GlobalParameters, Settings.ClusterName);

        if (stored.Users.Count == 0)
        {
            CreateDefaults();
        }

        foreach (var virtualHost in _virtualHosts.Values)
        {
            virtualHost.Restore(stored);
        }
    }

    private static string VirtualHostDeletedReason(string name) => $"vhost '{name}' is deleted";


    /// <summary>RabbitMQ's first boot: the default vhost, and the default user as administrator with every permission on it.</summary>
    private void CreateDefaults()
    {
        AddVirtualHost(Settings.DefaultVirtualHost);
        PutUser(new User(Settings.DefaultUser, PasswordHasher.Hash(Settings.DefaultPassword, Settings.PasswordHashingModule), ["administrator"]) { HashingAlgorithm = Settings.PasswordHashingModule });
        SetPermission(new Permission(Settings.DefaultUser, Settings.DefaultVirtualHost, ".*", ".*", ".*"));
    }

    private void ForceClose(Func<ClientConnection, bool> affected, string reason)
    {
        foreach (var connection in _connections.Keys)
        {
            if (affected(connection))
            {
                connection.ForceClose(reason);
            }
        }
    }
}
