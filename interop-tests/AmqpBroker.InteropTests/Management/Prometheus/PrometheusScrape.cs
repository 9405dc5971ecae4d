using System.Globalization;
using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Management.Prometheus;

/// <summary>The samples of one scrape, by series (<c>name{labels}</c> as written), with their values.</summary>
internal sealed partial class PrometheusScrape
{
    private readonly Dictionary<string, double> _samples = new(StringComparer.Ordinal);

    public static async Task<PrometheusScrape> ReadAsync(HttpClient http, string path)
    {
        var scrape = new PrometheusScrape();
        foreach (Match sample in Sample().Matches(await http.GetStringAsync(path)))
        {
            scrape._samples[sample.Groups[1].Value] = double.Parse(sample.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        return scrape;
    }

    /// <summary>The value of a series; NaN when the scrape has no such sample (which no expected value equals).</summary>
    public double this[string series] => _samples.TryGetValue(series, out var value) ? value : double.NaN;

    /// <summary>A queue's series on /metrics/per-object.</summary>
    public double Queue(string family, string queue) => this[$"rabbitmq_queue_{family}{{vhost=\"/\",queue=\"{queue}\"}}"];

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
