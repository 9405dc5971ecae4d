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
/// (consumer cancel notification) separately from the client's own basic.cancel-ok. A harness that must act
/// on each delivery as it arrives (ack it, time it) passes a handler instead; deliveries then go to it.
/// </summary>
public sealed class CollectingConsumer : AsyncDefaultBasicConsumer
{
    private readonly Channel<Delivery> _deliveries = System.Threading.Channels.Channel.CreateUnbounded<Delivery>();
    private readonly TaskCompletionSource<string> _serverCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _cancelOk = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<Delivery, CancellationToken, Task>? _handler;
    private int _received;

    public CollectingConsumer(IChannel channel, Func<Delivery, CancellationToken, Task>? handler = null)
        : base(channel) => _handler = handler;

    /// <summary>Completes with the consumer tag when the broker cancels this consumer (basic.cancel from the server).</summary>
    public Task<string> ServerCancelled => _serverCancelled.Task;

    /// <summary>Completes when our own basic.cancel was confirmed.</summary>
    public Task<string> CancelOk => _cancelOk.Task;

    /// <summary>How many deliveries arrived so far (taken or not).</summary>
    public int Received => Volatile.Read(ref _received);

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
        Interlocked.Increment(ref _received);
        var delivery = new Delivery(consumerTag, deliveryTag, redelivered, exchange, routingKey, new BasicProperties(properties), body.ToArray());
        if (_handler is not null)
        {
            return _handler(delivery, cancellationToken);
        }

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

    /// <summary>Waits for exactly the next <paramref name="count"/> deliveries; fails the test if they do not all arrive in time.</summary>
    public async Task<IReadOnlyList<Delivery>> TakeAsync(int count, TimeSpan timeout)
    {
        var result = await TakeUpToAsync(count, timeout);
        if (result.Count < count)
        {
            Assert.Fail($"{result.Count} of {count} deliveries within {timeout.TotalSeconds:0.#}s (received {Received} so far)");
        }

        return result;
    }

    /// <summary>
    /// Takes up to <paramref name="count"/> deliveries, waiting at most <paramref name="timeout"/> for them:
    /// fewer when time runs out; with a zero timeout, just those already received.
    /// </summary>
    public async Task<IReadOnlyList<Delivery>> TakeUpToAsync(int count, TimeSpan timeout)
    {
        var result = new List<Delivery>();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (result.Count < count)
            {
                if (_deliveries.Reader.TryRead(out var delivery))
                {
                    result.Add(delivery);
                }
                else if (!await _deliveries.Reader.WaitToReadAsync(cts.Token))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
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
