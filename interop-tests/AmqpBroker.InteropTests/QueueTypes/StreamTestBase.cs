using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>What the stream fixtures share: a stream filled with confirmed messages, and consumers on it with a prefetch.</summary>
public abstract class StreamTestBase : QueueTypeTestBase
{
    /// <summary>
    /// Data on disk, where a confirm comes once the message's chunk is written, so a message confirmed on its own is a
    /// chunk of its own as on RabbitMQ. In memory a chunk ends on a thread-pool turn, which a loaded machine may delay
    /// past the client's next publish.
    /// </summary>
    protected override BrokerOptions CreateOptions() => OnDisk(base.CreateOptions());

    /// <summary>
    /// A new stream holding <paramref name="bodies"/>, each published and confirmed on its own: a chunk of its own each,
    /// since a confirm comes once the chunk holding the message is written.
    /// </summary>
    protected async Task<(IConnection Connection, string Stream)> StreamWithAsync(params string[] bodies)
    {
        var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var stream = await DeclareStreamAsync(channel);
        foreach (var body in bodies)
        {
            await PublishConfirmedAsync(connection, stream, body);
        }

        return (connection, stream);
    }

    /// <summary>Publishes one message to the stream and waits for its confirm.</summary>
    protected static async Task PublishConfirmedAsync(IConnection connection, string stream, string body, IDictionary<string, object?>? headers = null)
    {
        await using var channel = await connection.CreateChannelAsync(ConfirmOptions);
        await channel.BasicPublishAsync(string.Empty, stream, mandatory: false, new BasicProperties { Headers = headers }, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>
    /// Publishes <paramref name="messages"/> (a body and a filter value or none) on one confirm channel without waiting
    /// in between, then waits for every confirm: the stream cuts such a burst into chunks as its writer takes them.
    /// </summary>
    protected static async Task PublishBurstAsync(IConnection connection, string stream, IEnumerable<(string Body, string? FilterValue)> messages)
    {
        await using var channel = await connection.CreateChannelAsync(ConfirmOptions);
        var published = messages.Select(m => channel.BasicPublishAsync(
            string.Empty,
            stream,
            mandatory: false,
            new BasicProperties { Headers = m.FilterValue is null ? null : new Dictionary<string, object?> { ["x-stream-filter-value"] = m.FilterValue } },
            Encoding.UTF8.GetBytes(m.Body)).AsTask()).ToList();
        await Task.WhenAll(published);
    }

    /// <summary>A manual-ack consumer with a prefetch of 10 on a new channel, starting at <paramref name="offset"/> (none: the argument is left out).</summary>
    protected static async Task<CollectingConsumer> ConsumeStreamAsync(IConnection connection, string stream, object? offset, params (string Key, object? Value)[] more)
    {
        var arguments = Args(more);
        if (offset is not null)
        {
            arguments["x-stream-offset"] = offset;
        }

        return (await ConsumeOnNewChannelAsync(connection, stream, prefetch: 10, arguments)).Consumer;
    }

    /// <summary>
    /// The offsets a consumer starting at <paramref name="offset"/> gets up to <paramref name="lastOffset"/> (with a
    /// prefetch above what it reads, so credit cuts nothing short), after which nothing more comes.
    /// </summary>
    internal static async Task<List<long>> ReadOffsetsToAsync(IConnection connection, string stream, object offset, long lastOffset)
    {
        var (consumer, _, _) = await ConsumeOnNewChannelAsync(connection, stream, prefetch: 5000, Args(("x-stream-offset", offset)));
        var offsets = new List<long>();
        while (offsets.Count == 0 || offsets[^1] < lastOffset)
        {
            offsets.Add(Offset(await consumer.NextAsync(Timeout)));
        }

        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
        return offsets;
    }

    /// <summary>The x-stream-offset header of a delivery, which must be a long.</summary>
    protected static long Offset(Delivery delivery) => (long)delivery.Properties.Headers!["x-stream-offset"]!;
}
