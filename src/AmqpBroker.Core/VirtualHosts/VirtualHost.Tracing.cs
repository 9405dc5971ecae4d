using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Tracing;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>The virtual host's firehose tracer.</summary>
public sealed partial class VirtualHost
{
    private FirehoseTracer? _tracer;

    /// <summary>RabbitMQ's firehose tracer for this vhost: set <see cref="FirehoseTracer.IsOn"/> to trace every publish and delivery to amq.rabbitmq.trace.</summary>
    public FirehoseTracer Tracer
    {
        get
        {
            if (_tracer is { } tracer)
            {
                return tracer;
            }

            Interlocked.CompareExchange(ref _tracer, new FirehoseTracer(Name, _services.NodeName, _findExchange, (exchange, message, scratch) => Publish(exchange, message, scratch, out _)), null);
            return _tracer;
        }
    }

    /// <summary>RabbitMQ's amq.rabbitmq.trace, which every vhost has: topic, durable, internal (only the tracer publishes to it).</summary>
    private Exchange CreateTraceExchange() =>
        _services.ExchangeTypes.Create(new ExchangeDefinition(FirehoseTracer.ExchangeName, Name, ExchangeTypes.Topic, true, false, true, Protocol.Encoding.FieldTable.Empty));
}
