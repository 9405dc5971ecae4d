using System.Diagnostics;

namespace AmqpBroker.LoadGen;

/// <summary>
/// Spaces one publisher's messages to a fixed rate. Each message's due time is counted from the first one,
/// so a late wake-up (timers tick in milliseconds) is made up by the messages after it rather than lost.
/// </summary>
internal sealed class Pacer(int messagesPerSecond)
{
    private long _start;
    private long _count;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_start == 0)
        {
            _start = Stopwatch.GetTimestamp();
        }
        var due = _start + (long)(_count++ * (double)Stopwatch.Frequency / messagesPerSecond);
        var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (ahead > TimeSpan.Zero)
        {
            await Task.Delay(ahead, cancellationToken).ConfigureAwait(false);
        }
    }
}
