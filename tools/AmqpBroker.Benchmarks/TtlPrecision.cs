using System.Diagnostics;
using AmqpBroker.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace AmqpBroker.Benchmarks;

/// <summary>
/// How long after its due time a message with a 300 ms TTL reaches the dead-letter queue's consumer, on the
/// real clock: twenty messages, one at a time, against the in-process broker or the broker at a URI.
/// </summary>
internal static class TtlPrecision
{
    private const int TtlMs = 300;
    private const int Samples = 20;

    public static async Task<int> RunAsync(Uri? uri)
    {
        await using var local = uri is null ? await BrokerHost.StartAsync(new BrokerOptions()) : null;
        var factory = new ConnectionFactory { Uri = uri ?? local!.AmqpUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var dead = (await channel.QueueDeclareAsync($"ttl-precision-dead-{suffix}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        var queue = (await channel.QueueDeclareAsync($"ttl-precision-{suffix}", durable: false, exclusive: true, autoDelete: true, new Dictionary<string, object?>
        {
            ["x-message-ttl"] = TtlMs,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = dead,
        })).QueueName;

        var arrivals = new System.Threading.Channels.UnboundedChannelOptions();
        var arrived = System.Threading.Channels.Channel.CreateUnbounded<long>(arrivals);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, _) => arrived.Writer.WriteAsync(Stopwatch.GetTimestamp()).AsTask();
        await channel.BasicConsumeAsync(dead, autoAck: true, consumer);

        var lateness = new List<double>();
        for (var i = -1; i < Samples; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            await channel.BasicPublishAsync("", queue, "m"u8.ToArray());
            var at = await arrived.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (i >= 0)
            {
                // The first message only warms the path up.
                lateness.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds - TtlMs);
            }
        }

        lateness.Sort();
        Console.WriteLine($"{factory.Uri.Host}:{factory.Uri.Port} {TtlMs} ms TTL dead-lettered after due: min {lateness[0]:F1} ms, median {lateness[Samples / 2]:F1} ms, max {lateness[^1]:F1} ms ({Samples} messages)");
        return 0;
    }
}
