using System.Collections.Concurrent;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Security;
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

    public Broker(BrokerSettings settings, TimeProvider time)
    {
        Settings = settings;
        Scheduler = new BrokerScheduler(time, TimeSpan.FromMilliseconds(250));
        Users.Put(new User(settings.DefaultUser, PasswordHasher.Hash(settings.DefaultPassword), ["administrator"]));
        AddVirtualHost(settings.DefaultVirtualHost);
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

    public IReadOnlyCollection<VirtualHost> VirtualHosts => [.. _virtualHosts.Values];

    public IReadOnlyCollection<ClientConnection> Connections => [.. _connections.Keys];

    public int ConnectionCount => _connections.Count;

    public VirtualHost? FindVirtualHost(string name) => _virtualHosts.GetValueOrDefault(name);

    public VirtualHost AddVirtualHost(string name) => _virtualHosts.GetOrAdd(name, n => new VirtualHost(n, Time));

    public void OnConnectionOpened(ClientConnection connection) => _connections.TryAdd(connection, 0);

    public void OnConnectionClosed(ClientConnection connection)
    {
        if (_connections.TryRemove(connection, out _))
        {
            FindVirtualHost(connection.VirtualHost)?.OnConnectionClosed(connection);
        }
    }

    public void Dispose()
    {
        _tick.Dispose();
        Scheduler.Dispose();
    }
}
