using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AmqpBroker.LoadGen;

/// <summary>What one run measured over its window, with the scenario it ran, ready to print as text or JSON.</summary>
internal sealed record RunSummary(
    int Publishers,
    int Consumers,
    int Size,
    bool Confirm,
    string Ack,
    int MultipleAck,
    int Prefetch,
    bool Persistent,
    bool Durable,
    bool PublishOnly,
    int Rate,
    double Seconds,
    long Sent,
    long Confirmed,
    long Nacked,
    long UnexpectedConfirms,
    long Received,
    double PublishRate,
    double ConfirmRate,
    double ConsumeRate,
    long LatencySamples,
    long LatencyP50Us,
    long LatencyP95Us,
    long LatencyP99Us,
    long LatencyMaxUs,
    string? Error)
{
    public static RunSummary Create(LoadGenOptions options, double seconds, Totals totals, long unexpectedConfirms, LatencyHistogram latency, string? error) => new(
        options.Publishers,
        options.Consumers,
        options.Size,
        options.Confirm,
        options.Ack == AckMode.Manual ? "manual" : "auto",
        options.MultipleAck,
        options.Prefetch,
        options.Persistent,
        options.Durable,
        options.PublishOnly,
        options.Rate,
        Math.Round(seconds, 3),
        totals.Sent,
        totals.Confirmed,
        totals.Nacked,
        unexpectedConfirms,
        totals.Received,
        Math.Round(totals.Sent / seconds),
        Math.Round(totals.Confirmed / seconds),
        Math.Round(totals.Received / seconds),
        latency.Count,
        latency.Percentile(0.50),
        latency.Percentile(0.95),
        latency.Percentile(0.99),
        latency.Max,
        error);

    public void WriteText(TextWriter writer)
    {
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"Summary over {Seconds:F2} s"));
        writer.WriteLine(string.Create(c, $"  sent      {Sent,14:N0}  {PublishRate,12:N0} msg/s"));
        if (Confirm)
        {
            writer.WriteLine(string.Create(c, $"  confirmed {Confirmed,14:N0}  {ConfirmRate,12:N0} msg/s  (nacked {Nacked:N0})"));
        }
        if (UnexpectedConfirms > 0)
        {
            writer.WriteLine(string.Create(c, $"  confirms for unpublished sequence numbers: {UnexpectedConfirms:N0}"));
        }
        writer.WriteLine(string.Create(c, $"  received  {Received,14:N0}  {ConsumeRate,12:N0} msg/s"));
        if (LatencySamples > 0)
        {
            writer.WriteLine(string.Create(
                c, $"  latency us  p50 {LatencyP50Us:N0}  p95 {LatencyP95Us:N0}  p99 {LatencyP99Us:N0}  max {LatencyMaxUs:N0}  ({LatencySamples:N0} samples)"));
        }
        if (Error is not null)
        {
            writer.WriteLine($"  error: {Error}");
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, RunSummaryJsonContext.Default.RunSummary);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class RunSummaryJsonContext : JsonSerializerContext;
