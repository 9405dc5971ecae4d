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

    /// <summary>Who raised an alarm through <see cref="Raise(AlarmResource)"/>.</summary>
    private const string ExternalSource = "external";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _lock = new();
    private readonly HashSet<string>[] _raisedBy = [.. AlarmResources.All.Select(_ => new HashSet<string>(StringComparer.Ordinal))];
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
                return [.. AlarmResources.All.Where(r => _raisedBy[(int)r].Count > 0)];
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
            return _raisedBy[(int)resource].Count > 0;
        }
    }

    /// <summary>Raises the alarm for embedding code or a test; false when it was raised already.</summary>
    public bool Raise(AlarmResource resource) => Raise(resource, ExternalSource);

    /// <summary>
    /// Raises the alarm on behalf of <paramref name="source"/> (a monitor, the message store); it stays raised
    /// until every source that raised it has cleared it. False when it was raised already.
    /// </summary>
    public bool Raise(AlarmResource resource, string source)
    {
        lock (_lock)
        {
            var sources = _raisedBy[(int)resource];
            if (!sources.Add(source) || sources.Count > 1)
            {
                return false;
            }

            if (resource.BlocksPublishers() && Reason is null)
            {
                _cleared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Reason = BlockedReason();
        }

        AlarmLog.Raised(_logger, resource, resource.BlocksPublishers() ? "publishers are blocked until it clears" : "new connections are refused until it clears");
        return true;
    }

    /// <summary>Clears the alarm whoever raised it (embedding code, a test); false when it was not raised.</summary>
    public bool Clear(AlarmResource resource) => Clear(resource, source: null);

    /// <summary>Withdraws <paramref name="source"/>'s reason for the alarm; it clears when no source is left.</summary>
    public bool Clear(AlarmResource resource, string? source)
    {
        lock (_lock)
        {
            var sources = _raisedBy[(int)resource];
            var withdrawn = source is null ? sources.Count > 0 : sources.Remove(source);
            if (source is null)
            {
                sources.Clear();
            }

            if (!withdrawn || sources.Count > 0)
            {
                return false;
            }

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
    private string? BlockedReason() => (_raisedBy[(int)AlarmResource.Memory].Count > 0, _raisedBy[(int)AlarmResource.Disk].Count > 0) switch
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
