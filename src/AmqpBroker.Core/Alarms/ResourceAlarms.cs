using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Core.Alarms;

/// <summary>
/// The broker's resource alarms, one per <see cref="AlarmResource"/>, as RabbitMQ has them. Monitors of a
/// resource (the storage for disk, the descriptor budget for file descriptors; a memory watermark or a
/// disk-free check later) raise and clear their own alarm; tests and embedding code may too. While a memory
/// or disk alarm is raised, connections that publish are blocked (connection.blocked, and their input is no
/// longer read) until every such alarm clears.
/// </summary>
public sealed class ResourceAlarms(ILogger? logger = null)
{
    /// <summary>The category alarms log under.</summary>
    public const string LogCategory = AlarmLog.Category;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _lock = new();
    private readonly bool[] _raised = new bool[AlarmResources.All.Count];
    private TaskCompletionSource _cleared = CreateCompleted();

    /// <summary>Why publishers are blocked, as sent in connection.blocked ("low on memory &amp; disk"); null while no blocking alarm is raised.</summary>
    public string? Reason { get; private set; }

    /// <summary>The alarms in effect, in <see cref="AlarmResources.All"/> order.</summary>
    public IReadOnlyList<AlarmResource> Raised
    {
        get
        {
            lock (_lock)
            {
                return [.. AlarmResources.All.Where(r => _raised[(int)r])];
            }
        }
    }

    /// <summary>Completes when no publisher-blocking alarm is raised (at once if none is).</summary>
    public Task WhenCleared
    {
        get
        {
            lock (_lock)
            {
                return _cleared.Task;
            }
        }
    }

    public bool IsRaised(AlarmResource resource)
    {
        lock (_lock)
        {
            return _raised[(int)resource];
        }
    }

    /// <summary>Raises the alarm; false when it was raised already.</summary>
    public bool Raise(AlarmResource resource)
    {
        lock (_lock)
        {
            if (_raised[(int)resource])
            {
                return false;
            }

            _raised[(int)resource] = true;
            if (resource.BlocksPublishers() && Reason is null)
            {
                _cleared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Reason = BlockedReason();
        }

        AlarmLog.Raised(_logger, resource, resource.BlocksPublishers() ? "publishers are blocked until it clears" : "new connections are refused until it clears");
        return true;
    }

    /// <summary>Clears the alarm; false when it was not raised.</summary>
    public bool Clear(AlarmResource resource)
    {
        lock (_lock)
        {
            if (!_raised[(int)resource])
            {
                return false;
            }

            _raised[(int)resource] = false;
            Reason = BlockedReason();
            if (Reason is null)
            {
                _cleared.TrySetResult();
            }
        }

        AlarmLog.Cleared(_logger, resource);
        return true;
    }

    /// <summary>RabbitMQ's wording: "low on " and the blocking resources joined by " &amp; ".</summary>
    private string? BlockedReason() => (_raised[(int)AlarmResource.Memory], _raised[(int)AlarmResource.Disk]) switch
    {
        (true, true) => "low on memory & disk",
        (true, false) => "low on memory",
        (false, true) => "low on disk",
        _ => null,
    };

    private static TaskCompletionSource CreateCompleted()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }
}
