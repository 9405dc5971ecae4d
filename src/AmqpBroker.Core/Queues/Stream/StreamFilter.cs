using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// A consumer's stream filter (RabbitMQ 3.13+, rabbit_stream_queue:filter_spec): the values of
/// <c>x-stream-filter</c> (a string or an array, whose non-string items are ignored) and, with
/// <c>x-stream-match-unfiltered</c>, also messages published without a filter value. It applies to whole
/// chunks, as RabbitMQ's Bloom filter does (https://www.rabbitmq.com/docs/stream-filtering, "Stage 1: Bloom
/// Filter"): a chunk none of whose messages passes is skipped, and every message of a chunk where one passes is
/// delivered, so the client filters on <c>x-stream-filter-value</c> itself. The chunk's values are checked
/// exactly here, which is the outcome of a Bloom filter without false positives.
/// </summary>
internal sealed class StreamFilter
{
    public const string ValueHeader = "x-stream-filter-value";

    private const string FilterArgument = "x-stream-filter";

    private const string MatchUnfilteredArgument = "x-stream-match-unfiltered";

    private readonly HashSet<string> _values;
    private readonly bool _matchUnfiltered;

    private StreamFilter(HashSet<string> values, bool matchUnfiltered)
    {
        _values = values;
        _matchUnfiltered = matchUnfiltered;
    }

    /// <summary>The consumer's filter, or null when its arguments name none.</summary>
    public static StreamFilter? From(IReadOnlyDictionary<string, object?> arguments)
    {
        var values = arguments.GetValueOrDefault(FilterArgument) switch
        {
            string value => new HashSet<string>(StringComparer.Ordinal) { value },
            IReadOnlyList<object?> list => list.OfType<string>().ToHashSet(StringComparer.Ordinal),
            _ => null,
        };
        return values is null ? null : new StreamFilter(values, arguments.GetValueOrDefault(MatchUnfilteredArgument) is true);
    }

    /// <summary>
    /// Whether a message with these properties passes, so its chunk is delivered. Its filter value is the
    /// <c>x-stream-filter-value</c> header when that is a UTF-8 string without NUL; a message without one is unfiltered.
    /// </summary>
    public bool Matches(BasicProperties properties) =>
        properties.Headers?.GetValueOrDefault(ValueHeader) is string value && !value.Contains('\0')
            ? _values.Contains(value)
            : _matchUnfiltered;
}
