using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Queues.Quorum;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Testing;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.DeadLettering;

/// <summary>
/// Republishes what a queue gives up to its x-dead-letter-exchange, as RabbitMQ does: with the x-death
/// header updated (one entry per queue and reason, the newest first, its count incremented when the pair
/// repeats), x-first-death-* set on the first death, the expiration property removed, the routing key
/// replaced by x-dead-letter-routing-key when set, and fully automatic cycles dropped. Every message given
/// up counts in the virtual host's <see cref="LeakCounters"/> and in the broker's <see cref="DeadLetterTotals"/>.
/// </summary>
internal sealed class DeadLetterPublisher(Func<string, Exchange?> findExchange, TimeProvider time, LeakCounters leaks, DeadLetterTotals totals, Testing.Recording.BrokerRecorder? recorder = null) : IDeadLetterSink
{
    public DeadLetterTotals Totals => totals;

    public void DeadLetter(Queue queue, List<QueueEntry> entries, DeadLetterReason reason)
    {
        leaks.AddDeadLettered(entries.Count);
        var exchange = queue.Arguments.DeadLetterExchange is { } name ? findExchange(name) : null;
        // As RabbitMQ counts them: a missing dead-letter exchange counts as no dead-lettering ("disabled").
        totals.Add(queue, exchange is null ? DeadLetterMode.Disabled : DeadLetterMode.AtMostOnce, reason, entries.Count);
        var scratch = exchange is null ? null : new RoutingScratch();
        foreach (var entry in entries)
        {
            if (exchange is not null)
            {
                var deadLettered = Rewrite(entry.Message, queue, exchange.Name, reason);
                if (recorder is { IsRecording: true })
                {
                    recorder.RecordDeadLettered(queue, deadLettered, reason, exchange.Name);
                }

                QueueDelivery.Deliver(exchange, deadLettered, findExchange, scratch!, countQueuePublish: false, reason == DeadLetterReason.Rejected ? null : NotACycle);
                deadLettered.Release();
            }

            entry.Message.Release();
        }
    }

    public bool DeliverAtLeastOnce(Queue queue, QueueEntry entry, DeadLetterReason reason, HashSet<string> reached)
    {
        if (queue.Arguments.DeadLetterExchange is not { } name || findExchange(name) is not { } exchange)
        {
            return false;
        }

        var deadLettered = Rewrite(entry.Message, queue, exchange.Name, reason);
        var scratch = new RoutingScratch();
        MessageRouter.Route(exchange, deadLettered, findExchange, scratch);
        var refused = false;
        foreach (var target in scratch.Queues)
        {
            if (reached.Contains(target.Name) || (reason != DeadLetterReason.Rejected && IsCycle(target.Name, deadLettered)))
            {
                continue;
            }

            if (target.Enqueue(deadLettered))
            {
                reached.Add(target.Name);
            }
            else
            {
                refused = true;
            }
        }

        deadLettered.Release();
        return !refused && reached.Count > 0;
    }

    private static readonly Func<Queue, Message, bool> NotACycle = static (target, message) => !IsCycle(target.Name, message);

    /// <summary>
    /// RabbitMQ's cycle rule: the message already died in <paramref name="queueName"/>, and no death since
    /// then (that one included) was a client's rejection, so nothing but timers would move it round again.
    /// </summary>
    private static bool IsCycle(string queueName, Message message)
    {
        var headers = BasicProperties.Decode(message.Properties).Headers;
        if (headers?.GetValueOrDefault("x-death") is not IReadOnlyList<object?> deaths)
        {
            return false;
        }

        var automaticSoFar = true;
        foreach (var item in deaths)
        {
            if (item is not IReadOnlyDictionary<string, object?> death)
            {
                return false;
            }

            automaticSoFar &= !Equals(death.GetValueOrDefault("reason"), "rejected");
            if (Equals(death.GetValueOrDefault("queue"), queueName))
            {
                return automaticSoFar;
            }
        }

        return false;
    }

    private Message Rewrite(Message original, Queue queue, string deadLetterExchange, DeadLetterReason reason)
    {
        var properties = BasicProperties.Decode(original.Properties);
        var headers = properties.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(properties.Headers);
        headers.Remove(DeliveryCountHeader.Name);
        headers.Remove(DeliveryCountHeader.AcquiredName);
        var death = new Dictionary<string, object?>
        {
            ["count"] = 1L,
            ["reason"] = DeadLetterReasons.Name(reason),
            ["queue"] = queue.Name,
            ["time"] = new AmqpTimestamp(time.GetUtcNow().ToUnixTimeSeconds()),
            ["exchange"] = original.Exchange,
            ["routing-keys"] = new List<object?> { original.RoutingKey },
        };
        if (properties.Expiration is { } expiration)
        {
            death["original-expiration"] = expiration;
        }

        if (headers.GetValueOrDefault("x-death") is IReadOnlyList<object?> deaths)
        {
            headers["x-death"] = Merge(deaths, death);
        }
        else
        {
            headers["x-first-death-reason"] = death["reason"];
            headers["x-first-death-queue"] = queue.Name;
            headers["x-first-death-exchange"] = original.Exchange;
            headers["x-death"] = new List<object?> { death };
        }

        properties.Headers = headers;
        properties.Expiration = null;
        var routingKey = queue.Arguments.DeadLetterRoutingKey ?? original.RoutingKey;
        return Message.Create(deadLetterExchange, routingKey, properties.Encode(), original.Body);
    }

    /// <summary>
    /// The entry for the same queue and reason has its count incremented and moves to the front (a new
    /// entry goes there otherwise). The other entries follow in reverse of their previous order: RabbitMQ
    /// 3.10 regroups them through an accumulator, and clients see that order, so it is kept (checked).
    /// </summary>
    private static List<object?> Merge(IReadOnlyList<object?> deaths, Dictionary<string, object?> death)
    {
        IReadOnlyDictionary<string, object?> first = death;
        var others = new List<object?>(deaths.Count);
        foreach (var item in deaths)
        {
            if (item is IReadOnlyDictionary<string, object?> existing
                && Equals(existing.GetValueOrDefault("queue"), death["queue"])
                && Equals(existing.GetValueOrDefault("reason"), death["reason"]))
            {
                first = new Dictionary<string, object?>(existing) { ["count"] = (existing.GetValueOrDefault("count") is long count ? count : 0) + 1 };
            }
            else
            {
                others.Add(item);
            }
        }

        others.Reverse();
        return [first, .. others];
    }
}
