namespace AmqpBroker.Core.Alarms;

/// <summary>
/// RabbitMQ's <c>vm_memory_high_watermark</c>: while the process's resident memory is above the limit, the
/// memory alarm is raised (publishers blocked); it clears once memory is back under it.
/// </summary>
public sealed class MemoryWatermark(ResourceAlarms alarms, long limitBytes, Func<long>? readUsedBytes = null)
{
    /// <summary>Who raises the memory alarm here, so that an alarm raised by others is not cleared with it.</summary>
    public const string Source = "memory watermark";

    private readonly Func<long> _readUsed = readUsedBytes ?? (() => Environment.WorkingSet);
    private readonly Lock _checking = new();
    private long _limitBytes = limitBytes;
    private long _receivedSinceCheck;

    public long LimitBytes => Volatile.Read(ref _limitBytes);

    /// <summary>Resident memory at the last check.</summary>
    public long UsedBytes { get; private set; }

    /// <summary>
    /// The limit from a setting: a fraction of the memory available to the process (<c>0.4</c>, RabbitMQ's
    /// <c>vm_memory_high_watermark.relative</c>) or a size (<c>512MiB</c>, its <c>.absolute</c>).
    /// </summary>
    public static bool TryParseLimit(string text, long availableBytes, out long limitBytes)
    {
        limitBytes = 0;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var fraction)
            && !text.Contains('B', StringComparison.Ordinal) && fraction is > 0 and < 1)
        {
            limitBytes = (long)(availableBytes * fraction);
            return true;
        }

        return ByteSize.TryParse(text, out limitBytes) && limitBytes > 0;
    }

    /// <summary>A new limit at run time (RabbitMQ's <c>rabbitmqctl set_vm_memory_high_watermark</c>); it applies from the next check.</summary>
    public void SetLimit(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        Volatile.Write(ref _limitBytes, bytes);
    }

    /// <summary>
    /// Bytes clients sent (counted per socket read): once a hundredth of the limit has arrived since the last
    /// check, the reading thread checks at once, so a flood is stopped near the limit even when the periodic
    /// check runs late on a busy machine.
    /// </summary>
    public void OnReceived(long bytes)
    {
        if (Interlocked.Add(ref _receivedSinceCheck, bytes) >= LimitBytes / 100)
        {
            Check();
        }
    }

    /// <summary>Reads resident memory and raises or clears the alarm; a check already running elsewhere makes this one unnecessary.</summary>
    public void Check()
    {
        if (!_checking.TryEnter())
        {
            return;
        }

        try
        {
            Interlocked.Exchange(ref _receivedSinceCheck, 0);
            UsedBytes = _readUsed();
            if (UsedBytes > LimitBytes)
            {
                alarms.Raise(AlarmResource.Memory, Source);
            }
            else
            {
                alarms.Clear(AlarmResource.Memory, Source);
            }
        }
        finally
        {
            _checking.Exit();
        }
    }
}
