namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>What the stream fixtures share: a stream filled with confirmed messages, and consumers on it with a prefetch.</summary>
public abstract class StreamTestBase : QueueTypeTestBase
{
    /// <summary>A new stream holding <paramref name="bodies"/>, each published and confirmed on its own (one chunk each on RabbitMQ).</summary>
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

    /// <summary>The x-stream-offset header of a delivery, which must be a long.</summary>
    protected static long Offset(Delivery delivery) => (long)delivery.Properties.Headers!["x-stream-offset"]!;
}
