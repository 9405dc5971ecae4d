using System.Globalization;
using System.Text;

namespace AmqpBroker.Management.Metrics;

/// <summary>Writes Prometheus' text exposition format (version 0.0.4): HELP and TYPE lines, then samples.</summary>
internal sealed class PrometheusText
{
    /// <summary>What rabbitmq_prometheus answers with (the text is UTF-8).</summary>
    public const string ContentType = "text/plain; version=0.0.4";

    private readonly StringBuilder _text = new();

    public override string ToString() => _text.ToString();

    public PrometheusText Gauge(string name, string help, long value) => Family(name, MetricType.Gauge, help).Sample(name, value);

    public PrometheusText Counter(string name, string help, long value) => Family(name, MetricType.Counter, help).Sample(name, value);

    /// <summary>Starts a metric family; its samples follow through <see cref="Sample(string, double, ValueTuple{string, string}[])"/>.</summary>
    public PrometheusText Family(string name, MetricType type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(TypeName(type)).Append('\n');
        return this;
    }

    public PrometheusText Sample(string name, long value, params (string Name, string Value)[] labels) =>
        Sample(name, (double)value, labels);

    public PrometheusText Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                _text.Append(i == 0 ? "" : ",").Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(Format(value)).Append('\n');
        return this;
    }

    /// <summary>Whole numbers without a fraction (counters read as integers), others round-trippable.</summary>
    private static string Format(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when Math.Abs(value) < 1e15 && value == Math.Floor(value) => ((long)value).ToString(CultureInfo.InvariantCulture),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Gauge => "gauge",
        MetricType.Counter => "counter",
        _ => "untyped",
    };

    /// <summary>Label values escape backslash, double quote and newline.</summary>
    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
