using AmqpBroker.Core;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// How one scrape writes RabbitMQ's object families, as rabbitmq_prometheus does on its three endpoints:
/// <c>/metrics</c> sums each family over all objects into one unlabelled sample; <c>/metrics/per-object</c>
/// gives one labelled sample per object; <c>/metrics/detailed</c> does the same under the
/// <c>rabbitmq_detailed_</c> prefix, for the vhosts asked for.
/// </summary>
internal sealed class MetricScope
{
    private readonly IReadOnlySet<string>? _virtualHosts;

    private MetricScope(string prefix, bool perObject, IReadOnlySet<string>? virtualHosts)
    {
        Prefix = prefix;
        PerObject = perObject;
        _virtualHosts = virtualHosts;
    }

    public static MetricScope Aggregated { get; } = new("rabbitmq_", perObject: false, null);

    public static MetricScope PerObjectScope { get; } = new("rabbitmq_", perObject: true, null);

    public static MetricScope Detailed(IReadOnlySet<string>? virtualHosts) => new("rabbitmq_detailed_", perObject: true, virtualHosts);

    /// <summary>Put before each family's name: <c>rabbitmq_</c> or <c>rabbitmq_detailed_</c>.</summary>
    public string Prefix { get; }

    public bool PerObject { get; }

    public bool Includes(string virtualHost) => _virtualHosts is null || _virtualHosts.Contains(virtualHost);

    /// <summary>
    /// One family over objects: per object, a sample labelled by <paramref name="labels"/>; aggregated, the
    /// sum as one sample without labels.
    /// </summary>
    public void Write<T>(PrometheusText text, string name, MetricType type, string help, IReadOnlyList<T> items,
        Func<T, (string Name, string Value)[]> labels, Func<T, double> value)
    {
        var family = Prefix + name;
        text.Family(family, type, help);
        if (!PerObject)
        {
            text.Sample(family, items.Sum(value));
            return;
        }

        foreach (var item in items)
        {
            text.Sample(family, value(item), labels(item));
        }
    }

    /// <summary>
    /// A family RabbitMQ does not sum: per object as <see cref="Write{T}"/>, aggregated as its HELP and TYPE
    /// lines without a sample (as rabbitmq_prometheus leaves consumer capacity, head timestamps and persistent bytes).
    /// </summary>
    public void WriteUnsummed<T>(PrometheusText text, string name, MetricType type, string help, IReadOnlyList<T> items,
        Func<T, (string Name, string Value)[]> labels, Func<T, double> value)
    {
        if (PerObject)
        {
            Write(text, name, type, help, items, labels, value);
            return;
        }

        text.Family(Prefix + name, type, help);
    }
}

/// <summary>What one scrape reads, taken once so that every family of the scrape agrees.</summary>
internal sealed record MetricSnapshot(
    ManagementContext Context,
    ProcessStats Process,
    IReadOnlyList<Queue> Queues,
    IReadOnlyList<ChannelSnapshot> Channels,
    IReadOnlyList<ClientConnection> Connections)
{
    public Broker Broker => Context.Broker;

    /// <summary>The broker's objects now, queues and channels of the vhosts <paramref name="scope"/> includes.</summary>
    public static MetricSnapshot Take(ManagementContext context, MetricScope scope)
    {
        var broker = context.Broker;
        var connections = broker.Connections.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        return new MetricSnapshot(
            context,
            ProcessStats.Read(),
            [.. broker.VirtualHosts.Where(v => scope.Includes(v.Name)).SelectMany(v => v.Queues)
                .OrderBy(q => q.Definition.VirtualHost, StringComparer.Ordinal).ThenBy(q => q.Name, StringComparer.Ordinal)],
            [.. connections.Where(c => scope.Includes(c.VirtualHost)).SelectMany(c => c.Channels())],
            connections);
    }
}
