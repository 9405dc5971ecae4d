using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Management.FeatureFlags;

/// <summary>A row of a per-release table: what it names, and the releases it holds for.</summary>
internal interface IReleaseRow
{
    /// <summary>The releases (major.minor, space-separated) the row holds for.</summary>
    string Releases { get; }

    string Name { get; }

    /// <summary>The rows holding for <paramref name="release"/>, in name order as Erlang sorts atoms.</summary>
    static IEnumerable<T> Of<T>(IEnumerable<T> rows, RabbitMqRelease release)
        where T : IReleaseRow =>
        rows.Where(row => row.Releases.Split(' ').Contains(release.ToString())).OrderBy(row => row.Name, StringComparer.Ordinal);
}
