namespace AmqpBroker.Core.Alarms;

/// <summary>
/// The broker's resource alarm (RabbitMQ's memory/disk alarms). While it is raised, connections that
/// publish are blocked (connection.blocked, and their input is no longer read) until it clears. The
/// memory watermark raises it; tests and embedding code may raise and clear it directly.
/// </summary>
public sealed class ResourceAlarm
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _cleared = CreateCompleted();

    /// <summary>Why publishers are blocked, as sent in connection.blocked; null when the alarm is clear.</summary>
    public string? Reason { get; private set; }

    public bool IsRaised => Reason is not null;

    /// <summary>Completes when the alarm is (or becomes) clear.</summary>
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

    public void Raise(string reason)
    {
        lock (_lock)
        {
            if (Reason is null)
            {
                _cleared = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Reason = reason;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            Reason = null;
            _cleared.TrySetResult();
        }
    }

    private static TaskCompletionSource CreateCompleted()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }
}
