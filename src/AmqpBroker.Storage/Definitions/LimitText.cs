using System.Globalization;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Storage.Definitions;

/// <summary>A vhost's or user's limits as one column, in their order: <c>max-queues=10,max-connections=-1</c>.</summary>
internal static class LimitText
{
    public static string Format(IReadOnlyList<Limit> limits) =>
        string.Join(',', limits.Select(l => $"{l.Name}={l.Value.ToString(CultureInfo.InvariantCulture)}"));

    public static IReadOnlyList<Limit> Parse(string text) =>
    [
        .. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var equals = pair.LastIndexOf('=');
            return new Limit(pair[..equals], long.Parse(pair[(equals + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }),
    ];
}
