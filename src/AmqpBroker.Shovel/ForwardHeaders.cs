using RabbitMQ.Client;

namespace AmqpBroker.Shovel;

/// <summary>
/// The headers a shovel adds when asked (RabbitMQ's dest-add-forward-headers and dest-add-timestamp-header):
/// <c>x-shovelled</c>, an array with one table per shovel the message went through (newest first), and
/// <c>x-shovelled-timestamp</c>, the Unix time in seconds it was shovelled.
/// </summary>
internal sealed class ForwardHeaders
{
    private readonly Dictionary<string, object?>? _hop;
    private readonly bool _timestamp;
    private readonly TimeProvider _time;

    public ForwardHeaders(ShovelDefinition definition, ShovelIdentity identity, string sourceUri, string destinationUri, TimeProvider time)
    {
        _timestamp = definition.AddTimestampHeader;
        _time = time;
        if (!definition.AddForwardHeaders)
        {
            return;
        }

        _hop = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["shovelled-by"] = identity.NodeName,
            ["shovel-type"] = "dynamic",
            ["shovel-name"] = identity.Name,
            ["shovel-vhost"] = identity.VirtualHost,
            ["src-uri"] = sourceUri,
            ["dest-uri"] = destinationUri,
        };
        if (definition.SourceQueue is { } queue)
        {
            _hop["src-queue"] = queue;
        }
        else
        {
            _hop["src-exchange"] = definition.SourceExchange;
            _hop["src-exchange-key"] = definition.SourceExchangeKey;
        }

        AddIfSet(_hop, "dest-exchange", definition.DestinationExchange);
        AddIfSet(_hop, "dest-exchange-key", definition.DestinationExchangeKey);
        AddIfSet(_hop, "dest-queue", definition.DestinationQueue);
    }

    public bool Any => _hop is not null || _timestamp;

    /// <summary>Adds the headers to a copy of the message's properties.</summary>
    public void Apply(BasicProperties properties)
    {
        var headers = properties.Headers is null ? new Dictionary<string, object?>(StringComparer.Ordinal) : new Dictionary<string, object?>(properties.Headers, StringComparer.Ordinal);
        if (_hop is not null)
        {
            // Each shovel prepends its hop to what earlier shovels recorded.
            List<object?> hops = [_hop];
            if (headers.GetValueOrDefault("x-shovelled") is IEnumerable<object?> earlier)
            {
                hops.AddRange(earlier);
            }

            headers["x-shovelled"] = hops;
        }

        if (_timestamp)
        {
            headers["x-shovelled-timestamp"] = _time.GetUtcNow().ToUnixTimeSeconds();
        }

        properties.Headers = headers;
    }

    private static void AddIfSet(Dictionary<string, object?> table, string key, string? value)
    {
        if (value is not null)
        {
            table[key] = value;
        }
    }
}

/// <summary>Which shovel this is, and on which node: what its status, logs and forward headers name.</summary>
internal sealed record ShovelIdentity(string VirtualHost, string Name, string NodeName)
{
    /// <summary>The client-provided name of its connections, as RabbitMQ names them.</summary>
    public string ConnectionName => $"Shovel {Name}";
}
