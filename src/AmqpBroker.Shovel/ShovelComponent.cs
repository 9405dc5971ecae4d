using AmqpBroker.Core;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Shovels;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Shovel;

/// <summary>
/// The <c>shovel</c> runtime parameter component, as RabbitMQ's shovel plugin: validates shovel parameters,
/// runs one <see cref="ShovelWorker"/> per parameter (restarted when the parameter changes, stopped when it
/// is cleared), and reports their status to the admin API. Each shovel is an AMQP 0-9-1 client
/// (RabbitMQ.Client) to both its ends; an end on this broker is reached through the broker's own listener.
/// </summary>
public sealed class ShovelComponent : IRuntimeParameterComponent, IShovelSupervisor, IAsyncDisposable
{
    public const string ComponentName = "shovel";

    private readonly Lock _lock = new();
    private readonly Dictionary<(string VirtualHost, string Name), (ShovelWorker Worker, ShovelDefinition Definition)> _workers = [];
    private readonly List<Task> _stopping = [];
    private readonly ShovelEnvironment _environment;
    private readonly string _nodeName;
    private bool _disposed;

    /// <param name="broker">The broker whose parameters a finished delete-after shovel clears.</param>
    /// <param name="local">Where a URI without a host connects: this broker's listener and a user (asked once shovels run, after the listener is bound).</param>
    /// <param name="nodeName">The node name forward headers record as <c>shovelled-by</c>.</param>
    /// <param name="loggers">Where shovels log.</param>
    public ShovelComponent(Broker broker, Func<LocalBroker> local, string nodeName, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(loggers);
        _nodeName = nodeName;
        _environment = new ShovelEnvironment(local, broker.Time, loggers.CreateLogger(ShovelLog.Category),
            identity => broker.Parameters.Clear(ComponentName, identity.VirtualHost, identity.Name), broker.Settings.Profile);
    }

    public string Name => ComponentName;

    public IReadOnlyList<ShovelStatus> Statuses
    {
        get
        {
            lock (_lock)
            {
                return [.. _workers.Values.Select(w => w.Worker.CurrentStatus).OfType<ShovelStatus>()
                    .OrderBy(s => s.VirtualHost, StringComparer.Ordinal)
                    .ThenBy(s => s.Name, StringComparer.Ordinal)];
            }
        }
    }

    public void Validate(RuntimeParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ShovelDefinitionReader.Read(parameter.Name, parameter.Value, _environment.Profile);
    }

    public void OnSet(RuntimeParameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        Start(parameter.VirtualHost, parameter.Name, ShovelDefinitionReader.Read(parameter.Name, parameter.Value, _environment.Profile));
    }

    public void OnCleared(string virtualHost, string name)
    {
        lock (_lock)
        {
            if (_workers.Remove((virtualHost, name), out var running))
            {
                _stopping.Add(running.Worker.DisposeAsync().AsTask());
            }
        }
    }

    public bool Restart(string virtualHost, string name)
    {
        ShovelDefinition definition;
        lock (_lock)
        {
            if (!_workers.TryGetValue((virtualHost, name), out var running))
            {
                return false;
            }

            definition = running.Definition;
        }

        Start(virtualHost, name, definition);
        return true;
    }

    /// <summary>Stops every shovel; their unacknowledged deliveries go back to their source queues.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Task> stopping;
        lock (_lock)
        {
            _disposed = true;
            stopping = [.. _stopping, .. _workers.Values.Select(w => w.Worker.DisposeAsync().AsTask())];
            _workers.Clear();
        }

        await Task.WhenAll(stopping).ConfigureAwait(false);
    }

    /// <summary>Starts the shovel, replacing (and stopping) the one of that name.</summary>
    private void Start(string virtualHost, string name, ShovelDefinition definition)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _stopping.RemoveAll(t => t.IsCompleted);
            if (_workers.Remove((virtualHost, name), out var previous))
            {
                _stopping.Add(previous.Worker.DisposeAsync().AsTask());
            }

            var worker = new ShovelWorker(new ShovelIdentity(virtualHost, name, _nodeName), definition, _environment);
            _workers[(virtualHost, name)] = (worker, definition);
        }
    }
}
