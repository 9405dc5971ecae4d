using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Management.Prometheus;

/// <summary>
/// The shape of a Prometheus scrape: for each family its type and the sets of label names its samples
/// carry ("-" for a sample without labels; none when the family has no samples). Values are ignored: the
/// comparison with RabbitMQ is about names, types and labels, which is what dashboards depend on.
/// </summary>
public sealed partial class MetricFamilies
{
    private readonly SortedDictionary<string, (string Type, SortedSet<string> LabelSets)> _families = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _families.Keys;

    public bool Contains(string family) => _families.ContainsKey(family);

    public string TypeOf(string family) => _families[family].Type;

    /// <summary>The family's label sets joined as in the fixture: "queue,vhost | -", or "none".</summary>
    public string LabelsOf(string family) => _families[family].LabelSets.Count == 0 ? "none" : string.Join(" | ", _families[family].LabelSets);

    /// <summary>Parses exposition text, keeping the families whose names start with <paramref name="prefix"/>.</summary>
    public static MetricFamilies Parse(string text, string prefix = "rabbitmq_")
    {
        var result = new MetricFamilies();
        foreach (var line in text.Split('\n'))
        {
            if (TypeLine().Match(line) is { Success: true } type)
            {
                if (type.Groups[1].Value.StartsWith(prefix, StringComparison.Ordinal))
                {
                    result._families[type.Groups[1].Value] = (type.Groups[2].Value, new SortedSet<string>(StringComparer.Ordinal));
                }
            }
            else if (!line.StartsWith('#') && SampleLine().Match(line) is { Success: true } sample && result._families.TryGetValue(sample.Groups[1].Value, out var family))
            {
                var names = LabelName().Matches(sample.Groups[2].Value).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
                family.LabelSets.Add(sample.Groups[2].Success ? string.Join(",", names) : "-");
            }
        }

        return result;
    }

    /// <summary>Reads the fixture lines of one endpoint: endpoint, family, type and label sets, tab-separated.</summary>
    public static MetricFamilies FromFixture(IEnumerable<string> lines, string endpoint)
    {
        var result = new MetricFamilies();
        foreach (var fields in lines.Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).Where(f => f[0] == endpoint))
        {
            var sets = fields[3] == "none" ? [] : fields[3].Split(" | ");
            result._families[fields[1]] = (fields[2], new SortedSet<string>(sets, StringComparer.Ordinal));
        }

        return result;
    }

    public void AppendFixture(StringBuilder text, string endpoint)
    {
        foreach (var name in Names)
        {
            text.Append(endpoint).Append('\t').Append(name).Append('\t').Append(TypeOf(name)).Append('\t').Append(LabelsOf(name)).Append('\n');
        }
    }

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""")]
    private static partial Regex LabelName();
}
