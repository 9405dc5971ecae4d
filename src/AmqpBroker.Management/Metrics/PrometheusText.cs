using System.Globalization;
using System.Text;

namespace AmqpBroker.Management.Metrics;

/// <summary>Writes Prometheus' text exposition format (version 0.0.4): HELP and TYPE lines, then samples.</summary>
internal sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    public override string ToString() => _text.ToString();

    public PrometheusText Gauge(string name, string help, long value) => Family(name, "gauge", help).Sample(name, value);

    public PrometheusText Counter(string name, string help, long value) => Family(name, "counter", help).Sample(name, value);

    /// <summary>Starts a metric family; its samples follow through <see cref="Sample"/>.</summary>
    public PrometheusText Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    public PrometheusText Sample(string name, long value, params (string Name, string Value)[] labels)
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

        _text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return this;
    }

    /// <summary>Label values escape backslash, double quote and newline.</summary>
    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
