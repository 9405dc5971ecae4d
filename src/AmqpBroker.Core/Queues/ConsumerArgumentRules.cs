using AmqpBroker.Core.Queues.Stream;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// RabbitMQ's checks of a basic.consume's arguments (rabbit_amqqueue:check_consume_arguments): the value
/// validators of the consumer arguments the queue's type has, in consume_args() order, then any consumer
/// argument another type has and this one lacks (<c>... of queue type rabbit_..._queue</c>).
/// </summary>
internal static class ConsumerArgumentRules
{
    public static void Check(Queue queue, IReadOnlyDictionary<string, object?> arguments, QueueTypeCapabilities type, KnownArguments known)
    {
        if (arguments.Count == 0)
        {
            return;
        }

        var description = QueueArguments.Describe(queue.Definition);
        var parser = new ArgumentParser(arguments, description);
        if (type.ConsumerArguments.Contains("x-priority"))
        {
            parser.Integer("x-priority");
        }

        if (type.ValidatesConsumerTimeouts && type.ConsumerArguments.Contains(Sessions.ConsumerTimeout.ArgumentName))
        {
            // consume_args() at v4.3.5 (#16557): check_non_neg_int_arg.
            parser.NonNegative(Sessions.ConsumerTimeout.ArgumentName);
        }

        if (type.ConsumerArguments.Contains("x-cancel-on-ha-failover"))
        {
            parser.Boolean("x-cancel-on-ha-failover");
        }

        if (type.ConsumerArguments.Contains(StreamOffset.Argument))
        {
            var (present, value) = parser.Lookup(StreamOffset.Argument);
            StreamOffset.Parse(value, present, nowMs: 0, description);
        }

        QueueArgumentRules.CheckSupported(arguments.Keys, type.ConsumerArguments, known.Consumer, description, type.Module);
    }
}
