using System.Threading.Channels;

namespace AmqpBroker.InteropTests.Support;

/// <summary>One basic.deliver as the consumer saw it, with the body copied out of the client's buffer.</summary>
public sealed record Delivery(
    string ConsumerTag,
    ulong DeliveryTag,
    bool Redelivered,
    string Exchange,
    string RoutingKey,
    BasicProperties Properties,
    byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A consumer that queues every delivery for the test to await, and records server-sent basic.cancel
/// (consumer cancel notification) separately from the client's own basic.cancel-ok.
/// </summary>
public sealed class CollectingConsumer : AsyncDefaultBasicConsumer
{
    private readonly Channel<Delivery> _deliveries = System.Threading.Channels.Channel.CreateUnbounded<Delivery>();
    private readonly TaskCompletionSource<string> _serverCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _cancelOk = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CollectingConsumer(IChannel channel)
        : base(channel)
    {
    }

    /// <summary>Completes with the consumer tag when the broker cancels this consumer (basic.cancel from the server).</summary>
    public Task<string> ServerCancelled => _serverCancelled.Task;

    /// <summary>Completes when our own basic.cancel was confirmed.</summary>
    public Task<string> CancelOk => _cancelOk.Task;

    public int Received { get; private set; }

    public override Task HandleBasicDeliverAsync(
        string consumerTag,
        ulong deliveryTag,
        bool redelivered,
        string exchange,
        string routingKey,
        IReadOnlyBasicProperties properties,
        ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken = default)
    {
        Received++;
        var delivery = new Delivery(consumerTag, deliveryTag, redelivered, exchange, routingKey, new BasicProperties(properties), body.ToArray());
        _deliveries.Writer.TryWrite(delivery);
        return Task.CompletedTask;
    }

    public override async Task HandleBasicCancelAsync(string consumerTag, CancellationToken cancellationToken = default)
    {
        _serverCancelled.TrySetResult(consumerTag);
        await base.HandleBasicCancelAsync(consumerTag, cancellationToken);
    }

    public override async Task HandleBasicCancelOkAsync(string consumerTag, CancellationToken cancellationToken = default)
    {
        _cancelOk.TrySetResult(consumerTag);
        await base.HandleBasicCancelOkAsync(consumerTag, cancellationToken);
    }

    /// <summary>Waits for the next delivery; fails the test if none arrives within <paramref name="timeout"/>.</summary>
    public async Task<Delivery> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _deliveries.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no delivery within {timeout.TotalSeconds:0.#}s (received {Received} so far)");
            throw;
        }
    }

    /// <summary>Waits for exactly the next <paramref name="count"/> deliveries.</summary>
    public async Task<IReadOnlyList<Delivery>> TakeAsync(int count, TimeSpan timeout)
    {
        var result = new List<Delivery>(count);
        var deadline = DateTime.UtcNow + timeout;
        for (var i = 0; i < count; i++)
        {
            var left = deadline - DateTime.UtcNow;
            result.Add(await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero));
        }

        return result;
    }

    /// <summary>True if a delivery arrives within <paramref name="period"/> (it is left queued).</summary>
    public async Task<bool> AnyWithinAsync(TimeSpan period)
    {
        using var cts = new CancellationTokenSource(period);
        try
        {
            return await _deliveries.Reader.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
