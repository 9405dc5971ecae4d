using System.Text;
using System.Text.Unicode;
using AmqpBroker.Core;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Json;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Management.Messaging;

/// <summary>
/// POST /api/queues/{vhost}/{name}/get: takes up to <c>count</c> messages, shows them, then requeues,
/// acks or rejects them all as <c>ackmode</c> says (requeued ones come back marked redelivered, as in
/// RabbitMQ). A diagnostic tool, not a way to consume.
/// </summary>
internal static class HttpGetter
{
    public static JsonArray Get(Broker broker, Queue queue, JsonBody body)
    {
        body.RequireAll("ackmode", "count", "encoding");
        var count = body.Integer("count") ?? throw JsonBody.Missing("count");
        var ackMode = body.RequireString("ackmode");
        if (ackMode is not ("ack_requeue_true" or "ack_requeue_false" or "reject_requeue_true" or "reject_requeue_false"))
        {
            throw ApiException.BadRequest($"ackmode must be ack_requeue_true, ack_requeue_false, reject_requeue_true or reject_requeue_false, got \"{ackMode}\"");
        }

        var base64 = body.RequireString("encoding") switch
        {
            "auto" => false,
            "base64" => true,
            _ => throw ApiException.BadRequest("Unsupported encoding. Please use auto or base64."),
        };
        var truncate = body.Integer("truncate");
        if (count < 0 || truncate < 0)
        {
            throw ApiException.BadRequest("count and truncate must not be negative");
        }

        var taken = new List<QueueEntry>();
        var messages = new JsonArray();
        try
        {
            while (taken.Count < count && queue.TryTake(out var entry, out var remaining))
            {
                taken.Add(entry);
                Count(broker, queue, entry.Redelivered ? [MessageCounter.Get, MessageCounter.Redeliver] : [MessageCounter.Get]);
                messages.Add(Format(entry, remaining, truncate, base64));
            }
        }
        finally
        {
            Settle(broker, queue, taken, ackMode);
        }

        return messages;
    }

    private static JsonObject Format(QueueEntry entry, uint remaining, long? truncate, bool base64)
    {
        var message = entry.Message;
        var payload = message.Body;
        if (truncate is { } limit && payload.Length > limit)
        {
            payload = payload[..(int)limit];
        }

        var asText = !base64 && Utf8.IsValid(payload);
        return new JsonObject
        {
            ["payload_bytes"] = message.BodySize,
            ["redelivered"] = entry.Redelivered,
            ["exchange"] = message.Exchange,
            ["routing_key"] = message.RoutingKey,
            ["message_count"] = remaining,
            ["properties"] = BasicPropertiesJson.ToJson(BasicProperties.Decode(message.Properties)),
            ["payload"] = asText ? Encoding.UTF8.GetString(payload) : Convert.ToBase64String(payload),
            ["payload_encoding"] = asText ? "string" : "base64",
        };
    }

    private static void Settle(Broker broker, Queue queue, List<QueueEntry> taken, string ackMode)
    {
        // Newest first: each requeued message lands at the front of the queue without a scan.
        for (var i = taken.Count - 1; i >= 0; i--)
        {
            switch (ackMode)
            {
                case "ack_requeue_false":
                    queue.Settle(taken[i]);
                    Count(broker, queue, [MessageCounter.Ack]);
                    break;
                case "reject_requeue_false":
                    queue.Reject(taken[i]);
                    break;
                default:
                    queue.Requeue(taken[i]);
                    break;
            }
        }

        queue.Drain();
    }

    private static void Count(Broker broker, Queue queue, MessageCounter[] counters)
    {
        foreach (var counter in counters)
        {
            queue.Counters.Increment(counter);
            broker.MessageTotals.Increment(counter);
        }
    }
}
