using System.Net.Sockets;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.LoadGen;

/// <summary>
/// --await-messages: times a broker's recovery from the outside. Polls the queue's message count with a passive
/// declare, reconnecting while the broker is not up yet, until the count reaches the target or --duration ends.
/// Prints when the broker first answered and when the count was reached as Unix milliseconds, so a script can
/// subtract the moment it started the broker.
/// </summary>
internal sealed class QueueProbe(LoadGenOptions options)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(5);

    public async Task<int> RunAsync()
    {
        var factory = new ConnectionFactory
        {
            Uri = options.Uri,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = StepTimeout,
            ContinuationTimeout = StepTimeout,
            HandshakeContinuationTimeout = StepTimeout,
        };
        var queue = options.Queue!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.DurationSeconds));
        IConnection? connection = null;
        uint? count = null;
        try
        {
            while (!deadline.IsCancellationRequested)
            {
                try
                {
                    connection ??= await factory.CreateConnectionAsync("loadgen-probe", deadline.Token).ConfigureAwait(false);
                    // A fresh channel per poll: a 404 (queue not recovered yet) closes the one it happened on.
                    await using var channel = await connection.CreateChannelAsync(cancellationToken: deadline.Token).ConfigureAwait(false);
                    var current = (await channel.QueueDeclarePassiveAsync(queue, deadline.Token).ConfigureAwait(false)).MessageCount;
                    if (count is null)
                    {
                        Console.WriteLine($"first-answer-unix-ms {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} messages {current}");
                    }
                    count = current;
                    if (current >= options.AwaitMessages)
                    {
                        Console.WriteLine($"reached-unix-ms {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} messages {current}");
                        return 0;
                    }
                }
                catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException or SocketException)
                {
                    // Not up yet, or the queue not declared yet: try again on a new connection.
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }
                }
                await Task.Delay(Poll, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // --duration is over.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        await Console.Error.WriteLineAsync($"{queue} did not reach {options.AwaitMessages} messages within {options.DurationSeconds} s (last count: {count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"})")
            .ConfigureAwait(false);
        return 1;
    }
}
