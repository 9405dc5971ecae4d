using BasicProperties = AmqpBroker.Protocol.Content.BasicProperties;
using AmqpTimestamp = AmqpBroker.Protocol.Encoding.AmqpTimestamp;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>Valid frames on channel 1, the raw material of mutation: declares with arguments, a bind, a full publish, consume, qos, acks.</summary>
internal static class ValidFrames
{
    private static readonly IReadOnlyDictionary<string, object?> Arguments = new Dictionary<string, object?>
    {
        ["x-message-ttl"] = 60_000,
        ["x-dead-letter-exchange"] = "amq.fanout",
        ["x-nested"] = new Dictionary<string, object?> { ["list"] = new List<object?> { 1L, "two", 3.0 } },
    };

    private static readonly byte[][] Frames =
    [
        Wire.Method(1, new ExchangeDeclare { Exchange = "fuzz.x", Type = "headers", Arguments = Arguments }),
        Wire.Method(1, new QueueDeclare { Queue = "fuzz", Arguments = Arguments }),
        Wire.Method(1, new QueueBind { Queue = "fuzz", Exchange = "amq.headers", Arguments = new Dictionary<string, object?> { ["x-match"] = "any", ["a"] = 1 } }),
        Wire.Method(1, new BasicConsume { Queue = "fuzz", Arguments = Arguments }),
        Wire.Method(1, new BasicQos { PrefetchCount = 10 }),
        Wire.Method(1, new BasicAck { DeliveryTag = 1, Multiple = true }),
        Wire.Method(1, new BasicGet { Queue = "fuzz" }),
        Wire.Method(1, new ConfirmSelect()),
        Wire.Method(1, new TxSelect()),
        [.. Wire.Method(1, new BasicPublish { Exchange = "amq.headers", RoutingKey = "fuzz" }), .. Wire.ContentHeader(1, 5, Properties()), .. Wire.Frame(3, 1, "hello"u8)],
    ];

    public static byte[] Pick(Random random) => Frames[random.Next(Frames.Length)];

    private static byte[] Properties() => new BasicProperties
    {
        ContentType = "text/plain",
        Headers = new Dictionary<string, object?> { ["a"] = 1, ["t"] = new Dictionary<string, object?> { ["b"] = true }, ["l"] = new List<object?> { "x" } },
        DeliveryMode = 2,
        Priority = 1,
        Expiration = "60000",
        Timestamp = new AmqpTimestamp(1_700_000_000),
    }.Encode();
}
