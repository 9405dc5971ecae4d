using System.Collections.Concurrent;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tracing;

/// <summary>
/// RabbitMQ's firehose tracer for one virtual host: while <see cref="IsOn"/>, every publish is also published to
/// the topic exchange <c>amq.rabbitmq.trace</c> with routing key <c>publish.{exchange}</c>, and every delivery (or
/// basic.get) with <c>deliver.{queue}</c>, with the original body and RabbitMQ's headers (exchange_name,
/// routing_keys, properties, node, vhost, connection, channel, user, and routed_queues or redelivered). Events are
/// queued where they happen (deliveries under a queue's lock) and published in order by one drainer at a time,
/// never under a lock. Off, it costs its callers one volatile read.
/// </summary>
public sealed class FirehoseTracer
{
    /// <summary>The exchange trace messages go to, predeclared in every vhost (topic, durable, internal).</summary>
    public const string ExchangeName = "amq.rabbitmq.trace";

    private readonly string _virtualHost;
    private readonly string _node;
    private readonly Func<string, Exchange?> _findExchange;
    private readonly Func<Exchange, Message, RoutingScratch, int> _publish;
    private readonly ConcurrentQueue<TraceEvent> _events = new();
    private readonly RoutingScratch _scratch = new();
    private volatile bool _isOn;
    private int _draining;

    internal FirehoseTracer(string virtualHost, string node, Func<string, Exchange?> findExchange, Func<Exchange, Message, RoutingScratch, int> publish)
    {
        _virtualHost = virtualHost;
        _node = node;
        _findExchange = findExchange;
        _publish = publish;
    }

    /// <summary>Whether tracing is on (RabbitMQ's <c>rabbitmqctl trace_on</c>, or the vhost's <c>tracing</c> flag in the HTTP API). Not kept across restarts, as in RabbitMQ.</summary>
    public bool IsOn
    {
        get => _isOn;
        set => _isOn = value;
    }

    /// <summary>A publish through the publish pipeline, before it is routed: the caller calls <see cref="Routed"/> after routing, in any case.</summary>
    /// <param name="message">The message as routed (without BCC).</param>
    /// <param name="selectedKeys">Its CC and BCC keys (<see cref="Publishing.SenderSelectedDistribution"/>), copied.</param>
    /// <param name="connection">The publishing connection, if any.</param>
    /// <param name="channel">The publishing channel.</param>
    /// <param name="user">The publishing user, if any.</param>
    internal TraceEvent BeginPublish(Message message, List<string> selectedKeys, ClientConnection? connection, ushort channel, string? user)
    {
        var trace = new TraceEvent(message, null, false, connection, channel, user) { SelectedKeys = [.. selectedKeys] };
        Enqueue(trace);
        return trace;
    }

    /// <summary>The publish has been routed to <paramref name="queues"/>: its trace (and what queued behind it) can go.</summary>
    internal void Routed(TraceEvent publish, List<Queue> queues)
    {
        publish.Routed(queues);
        StartDrain();
    }

    /// <summary>A delivery (basic.deliver or basic.get-ok) from <paramref name="queue"/>; safe under the queue's lock.</summary>
    public void TraceDeliver(string queue, Message message, bool redelivered, ClientConnection connection, ushort channel)
    {
        // RabbitMQ does not trace its own trace messages, which would otherwise trace themselves forever.
        if (message.Exchange != ExchangeName)
        {
            Enqueue(new TraceEvent(message, queue, redelivered, connection, channel, connection.User.Name));
        }
    }

    private void Enqueue(TraceEvent trace)
    {
        trace.Message.AddReference();
        _events.Enqueue(trace);
        StartDrain();
    }

    private bool HasReadyHead => _events.TryPeek(out var head) && head.IsReady;

    private void StartDrain()
    {
        if (HasReadyHead && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static tracer => tracer.Drain(), this, preferLocal: false);
        }
    }

    /// <summary>Publishes the queued events in order, up to a publish not yet routed; only one drainer runs at a time.</summary>
    private void Drain()
    {
        do
        {
            while (HasReadyHead && _events.TryDequeue(out var trace))
            {
                try
                {
                    Publish(trace);
                }
                finally
                {
                    trace.Message.Release();
                }
            }

            Volatile.Write(ref _draining, 0);
        }
        while (HasReadyHead && Interlocked.CompareExchange(ref _draining, 1, 0) == 0);
    }

    private void Publish(TraceEvent trace)
    {
        if (_findExchange(ExchangeName) is not { } exchange)
        {
            return;
        }

        var message = trace.Message;
        var routingKey = trace.Queue is null ? $"publish.{message.Exchange}" : $"deliver.{trace.Queue}";
        var properties = new BasicProperties { Headers = Headers(trace) }.Encode();
        var traced = Message.Create(ExchangeName, routingKey, properties, message.Body);
        try
        {
            _publish(exchange, traced, _scratch);
        }
        finally
        {
            traced.Release();
        }
    }

    /// <summary>RabbitMQ's trace headers, with its field types (longstr, array, table, signedint).</summary>
    private Dictionary<string, object?> Headers(TraceEvent trace)
    {
        var message = trace.Message;
        var properties = BasicProperties.Decode(message.Properties);
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["exchange_name"] = message.Exchange,
            ["routing_keys"] = RoutingKeys(trace, properties.Headers),
            ["properties"] = TraceProperties(properties),
            ["node"] = _node,
            ["vhost"] = _virtualHost,
            ["connection"] = trace.Connection?.Name ?? "",
            ["channel"] = (int)trace.Channel,
            ["user"] = trace.User ?? "",
        };
        if (trace.Queue is null)
        {
            headers["routed_queues"] = trace.RoutedQueues.Cast<object?>().ToArray();
        }
        else
        {
            headers["redelivered"] = trace.Redelivered ? 1 : 0;
        }

        return headers;
    }

    /// <summary>
    /// The routing key, then the sender-selected ones of the CC and BCC headers, as RabbitMQ lists them: a publish's
    /// as routed (BCC is gone from the message by then), a delivery's from the CC its message still has.
    /// </summary>
    private static object?[] RoutingKeys(TraceEvent trace, IReadOnlyDictionary<string, object?>? headers)
    {
        List<string> keys = [trace.Message.RoutingKey];
        if (trace.SelectedKeys is { } selected)
        {
            keys.AddRange(selected);
        }
        else if (headers is not null)
        {
            Publishing.SenderSelectedDistribution.AddKeys(headers, keys);
        }

        return [.. keys];
    }

    /// <summary>The properties table: RabbitMQ writes its integer properties (delivery_mode, priority, timestamp) as signed integers.</summary>
    private static Dictionary<string, object?> TraceProperties(BasicProperties properties) =>
        PropertyTable.From(properties).ToDictionary(
            p => p.Key,
            p => p.Value switch
            {
                byte octet => (int)octet,
                Protocol.Encoding.AmqpTimestamp timestamp => timestamp.UnixSeconds,
                var other => other,
            },
            StringComparer.Ordinal);
}
