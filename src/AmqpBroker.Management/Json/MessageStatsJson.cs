using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Json;

/// <summary>
/// RabbitMQ's <c>message_stats</c> objects and <c>name</c> + <c>name_details: {rate}</c> pairs. Which
/// counters appear depends on the object, as in RabbitMQ: queues show no publisher-side counters.
/// </summary>
internal static class MessageStatsJson
{
    internal static readonly (string Name, MessageCounter Counter)[] DeliveryFields =
    [
        ("deliver", MessageCounter.Deliver),
        ("deliver_no_ack", MessageCounter.DeliverNoAck),
        ("get", MessageCounter.Get),
        ("get_no_ack", MessageCounter.GetNoAck),
        ("get_empty", MessageCounter.GetEmpty),
        ("redeliver", MessageCounter.Redeliver),
        ("ack", MessageCounter.Ack),
    ];

    internal static readonly (string Name, MessageCounter Counter)[] PublisherFields =
    [
        ("confirm", MessageCounter.Confirm),
        ("return_unroutable", MessageCounter.ReturnUnroutable),
        ("drop_unroutable", MessageCounter.DropUnroutable),
    ];

    internal static readonly MessageCounter[] DeliverGet = [MessageCounter.Deliver, MessageCounter.DeliverNoAck, MessageCounter.Get, MessageCounter.GetNoAck];

    /// <summary>Stats of a channel or of the whole broker.</summary>
    public static JsonObject ForPublisher(MessageCounters counters, object rateKey, RateSampler rates) =>
        Create(counters, rateKey, rates, PublisherFields);

    /// <summary>Stats of a queue: messages enqueued ("publish") and what left it.</summary>
    public static JsonObject ForQueue(MessageCounters counters, object rateKey, RateSampler rates) =>
        Create(counters, rateKey, rates, []);

    /// <summary>Adds <c>name</c> and <c>name_details</c> with its rate.</summary>
    public static void AddRated(JsonObject target, string name, long value, double rate)
    {
        target[name] = value;
        target[name + "_details"] = new JsonObject { ["rate"] = rate };
    }

    private static JsonObject Create(MessageCounters counters, object rateKey, RateSampler rates, (string Name, MessageCounter Counter)[] extra)
    {
        var stats = new JsonObject();
        AddRated(stats, "publish", rates.Count(rateKey, counters, MessageCounter.Publish), rates.Rate(rateKey, MessageCounter.Publish));
        foreach (var (name, counter) in extra.Concat(DeliveryFields))
        {
            AddRated(stats, name, rates.Count(rateKey, counters, counter), rates.Rate(rateKey, counter));
        }

        AddRated(stats, "deliver_get", DeliverGet.Sum(c => rates.Count(rateKey, counters, c)), DeliverGet.Sum(c => rates.Rate(rateKey, c)));
        return stats;
    }
}
