using AmqpBroker.Core.Sessions;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Formatting;

/// <summary>A consumer as RabbitMQ lists it (/api/consumers, a queue's or channel's consumer_details).</summary>
internal static class ConsumerJson
{
    public static JsonObject Create(Consumer consumer, string node)
    {
        // With a single active consumer the others wait, as RabbitMQ reports them.
        var active = !consumer.Queue.Arguments.SingleActiveConsumer || ReferenceEquals(consumer.Queue.ActiveConsumer, consumer);
        return Create(consumer, node, active);
    }

    private static JsonObject Create(Consumer consumer, string node, bool active) => new()
    {
        ["arguments"] = FieldTableJson.ToJson(consumer.Arguments),
        ["ack_required"] = !consumer.NoAck,
        ["active"] = active,
        ["activity_status"] = active ? "up" : "waiting",
        ["channel_details"] = ChannelJson.Details(consumer.Session, node),
        ["consumer_tag"] = consumer.Tag,
        ["exclusive"] = consumer.Exclusive,
        ["prefetch_count"] = consumer.PrefetchCount,
        ["queue"] = new JsonObject { ["name"] = consumer.Queue.Name, ["vhost"] = consumer.Queue.Definition.VirtualHost },
    };
}
