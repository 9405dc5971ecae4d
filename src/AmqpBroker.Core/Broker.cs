using System.Collections.Concurrent;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core;

/// <summary>
/// One broker instance: its virtual hosts, users, open connections and scheduler. There is no static
/// state, so several brokers can run side by side in one process (as tests do).
/// </summary>
public sealed class Broker : IDisposable
{
    private readonly ConcurrentDictionary<string, VirtualHost> _virtualHosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ClientConnection, byte> _connections = new();
    private readonly IDisposable _tick;

    private readonly IDefinitionStore _store;

    /// <summary>
    /// Creates a broker and recovers what <paramref name="store"/> holds (durable vhosts, exchanges, queues,
    /// bindings); without a store nothing survives the process.
    /// </summary>
    public Broker(BrokerSettings settings, TimeProvider time, IDefinitionStore? store = null)
    {
        Settings = settings;
        _store = store ?? NoDefinitionStore.Instance;
        Scheduler = new BrokerScheduler(time, TimeSpan.FromMilliseconds(250));
        StartedAt = time.GetUtcNow();
        Users.Put(new User(settings.DefaultUser, PasswordHasher.Hash(settings.DefaultPassword), ["administrator"]));
        var stored = _store.Load();
        AddVirtualHost(settings.DefaultVirtualHost);
        foreach (var name in stored.VirtualHosts)
        {
            AddVirtualHost(name);
        }

        foreach (var virtualHost in _virtualHosts.Values)
        {
            virtualHost.Restore(stored);
        }

        _tick = Scheduler.Register(_ =>
        {
            foreach (var virtualHost in _virtualHosts.Values)
            {
                virtualHost.OnTick();
            }
        });
    }

    public BrokerSettings Settings { get; }

    public UserStore Users { get; } = new();

    public BrokerScheduler Scheduler { get; }

    public DirectReply.DirectReplyRegistry DirectReplies { get; } = new();

    /// <summary>Raised, publishing connections are blocked (connection.blocked) until it clears.</summary>
    public ResourceAlarm Alarm { get; } = new();

    public TimeProvider Time => Scheduler.Time;

    /// <summary>Message events of every channel since start (channels count into it as they go).</summary>
    public MessageCounters MessageTotals { get; } = new();

    /// <summary>When this broker was created, for uptime.</summary>
    public DateTimeOffset StartedAt { get; }

    public IReadOnlyCollection<VirtualHost> VirtualHosts => [.. _virtualHosts.Values];

    public IReadOnlyCollection<ClientConnection> Connections => [.. _connections.Keys];

    public int ConnectionCount => _connections.Count;

    public VirtualHost? FindVirtualHost(string name) => _virtualHosts.GetValueOrDefault(name);

    public VirtualHost AddVirtualHost(string name) => _virtualHosts.GetOrAdd(name, n =>
    {
        _store.PutVirtualHost(n);
        return new VirtualHost(n, Time, _store);
    });

    public void OnConnectionOpened(ClientConnection connection) => _connections.TryAdd(connection, 0);

    public void OnConnectionClosed(ClientConnection connection)
    {
        if (_connections.TryRemove(connection, out _))
        {
            FindVirtualHost(connection.VirtualHost)?.OnConnectionClosed(connection);
        }
    }

    /// <summary>Stops the scheduler and closes the store, which the broker owns once given it.</summary>
    public void Dispose()
    {
        _tick.Dispose();
        Scheduler.Dispose();
        _store.Dispose();
    }
}
