using System.Diagnostics;
using System.Globalization;

namespace AmqpBroker.LoadGen;

/// <summary>
/// Times the measured window: prints one line a second with the publish, confirm and consume rates of that second,
/// and returns after the given number of seconds, or as soon as the token is cancelled.
/// </summary>
internal sealed class ProgressReporter(IReadOnlyList<ILoadPublisher> publishers, IReadOnlyList<ILoadConsumer> consumers, bool confirm)
{
    public async Task RunAsync(int seconds, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var lastTime = Stopwatch.GetTimestamp();
        var last = Totals.Of(publishers, consumers);
        try
        {
            for (var second = 1; second <= seconds && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false); second++)
            {
                var now = Stopwatch.GetTimestamp();
                var current = Totals.Of(publishers, consumers);
                var elapsed = Stopwatch.GetElapsedTime(lastTime, now).TotalSeconds;
                var line = string.Create(CultureInfo.InvariantCulture, $"[{second,4}s] publish {(current.Sent - last.Sent) / elapsed,10:N0} msg/s");
                if (confirm)
                {
                    line += string.Create(CultureInfo.InvariantCulture, $"  confirm {(current.Confirmed - last.Confirmed) / elapsed,10:N0} msg/s");
                }
                line += string.Create(CultureInfo.InvariantCulture, $"  consume {(current.Received - last.Received) / elapsed,10:N0} msg/s");
                Console.WriteLine(line);
                last = current;
                lastTime = now;
            }
        }
        catch (OperationCanceledException)
        {
            // A fault ended the window early.
        }
    }
}
