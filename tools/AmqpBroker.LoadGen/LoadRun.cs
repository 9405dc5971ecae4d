using System.Diagnostics;
using AmqpBroker.LoadGen.Raw;
using RabbitMQ.Client;

namespace AmqpBroker.LoadGen;

/// <summary>Sets up the queue and the workers, runs the measured window, tears everything down and summarises.</summary>
internal sealed class LoadRun(LoadGenOptions options)
{
    public static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound of everything after the window: stopping publishers, closing sessions, deleting the queue.</summary>
    public static readonly TimeSpan TeardownTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    public async Task<RunSummary> ExecuteAsync()
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
        // In publish-only mode nothing is bound to the routing key, so the broker routes each message nowhere and drops it.
        var baseName = options.Queue ?? $"loadgen-{Guid.NewGuid():N}";
        var queues = options.Queues == 1 ? [baseName] : Enumerable.Range(1, options.Queues).Select(n => $"{baseName}-{n}").ToArray();
        using var faults = new FaultSignal();
        using var window = CancellationTokenSource.CreateLinkedTokenSource(faults.Token);
        var publishers = new List<ILoadPublisher>();
        var consumers = new List<ILoadConsumer>();
        AmqpSession? admin = null;
        try
        {
            using (var setup = new CancellationTokenSource(SetupTimeout))
            {
                admin = await AmqpSession.OpenAsync(factory, "loadgen-admin", null, faults, setup.Token).ConfigureAwait(false);
                if (!options.PublishOnly)
                {
                    var arguments = options.QueueType is { } type ? new Dictionary<string, object?> { ["x-queue-type"] = type } : null;
                    foreach (var queue in queues)
                    {
                        await admin.Channel.QueueDeclareAsync(queue, options.Durable, exclusive: false, autoDelete: false, arguments, cancellationToken: setup.Token)
                            .ConfigureAwait(false);
                    }
                }
                for (var i = 1; i <= options.Consumers; i++)
                {
                    var queue = queues[(i - 1) % queues.Length];
                    consumers.Add(options.Raw
                        ? await RawConsumer.StartAsync(options, i, queue, faults, window.Token, setup.Token).ConfigureAwait(false)
                        : await Consumer.StartAsync(factory, options, i, queue, faults, window.Token, setup.Token).ConfigureAwait(false));
                }
                for (var i = 1; i <= options.Publishers; i++)
                {
                    var queue = queues[(i - 1) % queues.Length];
                    publishers.Add(options.Raw
                        ? await RawPublisher.StartAsync(options, i, queue, faults, setup.Token).ConfigureAwait(false)
                        : await Publisher.StartAsync(factory, options, i, queue, faults, setup.Token).ConfigureAwait(false));
                }
            }

            var start = Stopwatch.GetTimestamp();
            // Task.Run: a publish loop whose sends all complete synchronously would otherwise never yield.
            var publishing = Task.WhenAll(publishers.Select(p => Task.Run(() => p.RunAsync(window.Token))));
            var reporting = new ProgressReporter(publishers, consumers, options.Confirm).RunAsync(options.DurationSeconds, window.Token);
            // With --count the window closes as soon as every publisher has sent (and had confirmed) its share.
            if (options.Count > 0)
            {
                await Task.WhenAny(reporting, publishing).ConfigureAwait(false);
            }
            else
            {
                await reporting.ConfigureAwait(false);
            }
            faults.StopWatching();
            await window.CancelAsync().ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var totals = Totals.Of(publishers, consumers);
            var unexpectedConfirms = publishers.Sum(p => p.UnexpectedConfirms);

            // Publishers watch the same token; a publish stuck in the socket is cancelled with it.
            await publishing.WaitAsync(StepTimeout).ConfigureAwait(false);
            await reporting.ConfigureAwait(false);
            // Deliveries after the window record nothing, and closing the consumers ends their dispatch, so the histograms are settled.
            await DisposeAllAsync(consumers).ConfigureAwait(false);
            var latency = new LatencyHistogram();
            foreach (var consumer in consumers)
            {
                latency.Add(consumer.Latency);
            }
            return RunSummary.Create(options, seconds, totals, unexpectedConfirms, latency, faults.Reason);
        }
        finally
        {
            await TeardownAsync(consumers, publishers, admin, queues).ConfigureAwait(false);
        }
    }

    private async Task TeardownAsync(List<ILoadConsumer> consumers, List<ILoadPublisher> publishers, AmqpSession? admin, string[] queues)
    {
        await DisposeAllAsync(consumers).ConfigureAwait(false);
        await DisposeAllAsync(publishers).ConfigureAwait(false);
        if (admin is null)
        {
            return;
        }
        foreach (var queue in queues)
        {
            if (options.PublishOnly || options.KeepQueue || !admin.Channel.IsOpen)
            {
                break;
            }
            try
            {
                using var teardown = new CancellationTokenSource(StepTimeout);
                await admin.Channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: teardown.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RabbitMQ.Client.Exceptions.RabbitMQClientException)
            {
                // A failed delete must not hide the run's result; the queue is left behind and says so.
                await Console.Error.WriteLineAsync($"warning: could not delete queue {queue}: {ex.Message}").ConfigureAwait(false);
            }
        }
        await admin.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task DisposeAllAsync<T>(IEnumerable<T> items)
        where T : IAsyncDisposable
    {
        await Task.WhenAll(items.Select(item => item.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
