namespace AmqpBroker.LoadGen;

/// <summary>What the run reads from a publisher, whichever client it uses.</summary>
internal interface ILoadPublisher : IAsyncDisposable
{
    string Name { get; }

    long Sent { get; }

    long Confirmed { get; }

    long Nacked { get; }

    long UnexpectedConfirms { get; }

    Task RunAsync(CancellationToken window);
}

/// <summary>What the run reads from a consumer, whichever client it uses.</summary>
internal interface ILoadConsumer : IAsyncDisposable
{
    long Received { get; }

    /// <summary>Read only once the window has closed and the consumer is disposed.</summary>
    LatencyHistogram Latency { get; }
}
