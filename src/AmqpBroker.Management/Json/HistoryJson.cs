using System.Globalization;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Json;

/// <summary>
/// RabbitMQ's history parameters of /api/overview: with <c>lengths_age</c> and <c>lengths_incr</c>
/// (seconds) each <c>queue_totals</c> <c>*_details</c> gets its <c>samples</c>, with <c>msg_rates_age</c> and
/// <c>msg_rates_incr</c> each <c>message_stats</c> one does: <c>[{"sample": n, "timestamp": ms}]</c>, newest
/// first, counters as running totals (a client derives rates from neighbouring samples).
/// </summary>
internal static class HistoryJson
{
    private static readonly Dictionary<string, Func<long[], long>> LengthFields = new(StringComparer.Ordinal)
    {
        ["messages"] = v => v[(int)SampledValue.Messages],
        ["messages_ready"] = v => v[(int)SampledValue.MessagesReady],
        ["messages_unacknowledged"] = v => v[(int)SampledValue.MessagesUnacknowledged],
    };

    private static readonly Dictionary<string, Func<long[], long>> RateFields = CounterFields();

    public static void AddLengthSamples(JsonObject queueTotals, SampleHistory history, IQueryCollection query) =>
        Add(queueTotals, history, query, "lengths", LengthFields);

    public static void AddRateSamples(JsonObject messageStats, SampleHistory history, IQueryCollection query) =>
        Add(messageStats, history, query, "msg_rates", RateFields);

    private static void Add(JsonObject stats, SampleHistory history, IQueryCollection query, string prefix, Dictionary<string, Func<long[], long>> fields)
    {
        if (Seconds(query, $"{prefix}_age") is not { } age || Seconds(query, $"{prefix}_incr") is not { } increment)
        {
            return;
        }

        foreach (var (name, value) in fields)
        {
            if (stats[name + "_details"] is JsonObject details)
            {
                details["samples"] = new JsonArray([.. history.Samples(value, age, increment).Select(s => new JsonObject
                {
                    ["sample"] = s.Value,
                    ["timestamp"] = s.At.ToUnixTimeMilliseconds(),
                })]);
            }
        }
    }

    private static Dictionary<string, Func<long[], long>> CounterFields()
    {
        var fields = new Dictionary<string, Func<long[], long>>(StringComparer.Ordinal)
        {
            ["publish"] = v => v[(int)MessageCounter.Publish],
            ["deliver_get"] = v => MessageStatsJson.DeliverGet.Sum(c => v[(int)c]),
        };
        foreach (var (name, counter) in MessageStatsJson.DeliveryFields.Concat(MessageStatsJson.PublisherFields))
        {
            fields[name] = v => v[(int)counter];
        }

        return fields;
    }

    private static TimeSpan? Seconds(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
