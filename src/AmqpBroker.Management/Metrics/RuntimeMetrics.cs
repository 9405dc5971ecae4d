using System.Diagnostics.Metrics;
using System.Text;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// The .NET runtime's own metrics (the built-in <c>System.Runtime</c> meter: GC, JIT, thread pool,
/// exceptions, CPU, working set) in Prometheus text under their OpenTelemetry names, converted as
/// OpenTelemetry's Prometheus exporter converts them: dots become underscores, the unit becomes a suffix
/// (<c>By</c> → <c>_bytes</c>, <c>s</c> → <c>_seconds</c>), counters end in <c>_total</c>, and tag names
/// become label names the same way. One listener per broker host, read at each scrape.
/// </summary>
internal sealed class RuntimeMetrics : IDisposable
{
    private const string MeterName = "System.Runtime";

    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<Instrument, Dictionary<string, (double Value, (string, string)[] Labels)>> _values = [];

    public RuntimeMetrics()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Write(PrometheusText text)
    {
        lock (_lock)
        {
            // Observable instruments report their current value (a running total for counters) now.
            _listener.RecordObservableInstruments();
            foreach (var (instrument, series) in _values.OrderBy(i => i.Key.Name, StringComparer.Ordinal))
            {
                var counter = IsCounter(instrument);
                var name = PrometheusName(instrument, counter);
                text.Family(name, counter ? MetricType.Counter : MetricType.Gauge, instrument.Description ?? instrument.Name);
                foreach (var (value, labels) in series.Values)
                {
                    text.Sample(name, value, labels);
                }
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>OpenTelemetry's Prometheus name of an instrument, e.g. dotnet.gc.heap.total_allocated (By, counter) → dotnet_gc_heap_total_allocated_bytes_total.</summary>
    internal static string PrometheusName(Instrument instrument, bool counter)
    {
        var name = new StringBuilder(Sanitize(instrument.Name));
        if (UnitSuffix(instrument.Unit) is { } suffix && !name.ToString().EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name.Append('_').Append(suffix);
        }

        if (counter)
        {
            name.Append("_total");
        }

        return name.ToString();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new (string, string)[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = (Sanitize(tags[i].Key), tags[i].Value?.ToString() ?? "");
        }

        var key = string.Join(",", labels.Select(l => $"{l.Item1}={l.Item2}"));
        lock (_lock)
        {
            if (!_values.TryGetValue(instrument, out var series))
            {
                _values[instrument] = series = new Dictionary<string, (double, (string, string)[])>(StringComparer.Ordinal);
            }

            // Observable values replace the last reading; a synchronous counter's measurements add up.
            var previous = !instrument.IsObservable && series.TryGetValue(key, out var known) ? known.Value : 0;
            series[key] = (previous + value, labels);
        }
    }

    private static bool IsCounter(Instrument instrument) =>
        instrument.GetType().Name.StartsWith("ObservableCounter", StringComparison.Ordinal)
        || instrument.GetType().Name.StartsWith("Counter", StringComparison.Ordinal);

    private static string? UnitSuffix(string? unit) => unit switch
    {
        null or "" => null,
        "By" => "bytes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "1" => "ratio",
        _ when unit.StartsWith('{') => null,
        _ => Sanitize(unit),
    };

    private static string Sanitize(string name)
    {
        var result = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return result.ToString();
    }
}
