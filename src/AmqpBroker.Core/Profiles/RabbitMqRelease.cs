using System.Globalization;

namespace AmqpBroker.Core.Profiles;

/// <summary>A RabbitMQ release series (major.minor) whose behaviour the broker can show.</summary>
public readonly record struct RabbitMqRelease(int Major, int Minor) : IComparable<RabbitMqRelease>
{
    /// <summary>The releases with a profile, oldest first.</summary>
    public static readonly IReadOnlyList<RabbitMqRelease> Supported = [new(3, 10), new(3, 13), new(4, 0), new(4, 1), new(4, 2), new(4, 3)];

    /// <summary>
    /// 4.2: the newest release that still permits transient non-exclusive queues and global QoS by default, so
    /// tutorials and existing test suites run unchanged (4.3 refuses both unless permitted).
    /// </summary>
    public static readonly RabbitMqRelease Default = new(4, 2);

    /// <summary>Reads "4.2" (a patch number, as in "4.2.8", is allowed and ignored); anything else names the supported releases.</summary>
    public static RabbitMqRelease Parse(string text)
    {
        if (TryParse(text, out var release))
        {
            return release;
        }

        throw new ArgumentException($"RabbitMQ version '{text}' has no profile; supported: {string.Join(", ", Supported)}", nameof(text));
    }

    public static bool TryParse(string? text, out RabbitMqRelease release)
    {
        release = default;
        var parts = (text ?? "").Trim().Split('.');
        if (parts.Length is < 2 or > 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            || (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return false;
        }

        release = new RabbitMqRelease(major, minor);
        return Supported.Contains(release);
    }

    public int CompareTo(RabbitMqRelease other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => $"{Major}.{Minor}";

    public static bool operator <(RabbitMqRelease left, RabbitMqRelease right) => left.CompareTo(right) < 0;

    public static bool operator <=(RabbitMqRelease left, RabbitMqRelease right) => left.CompareTo(right) <= 0;

    public static bool operator >(RabbitMqRelease left, RabbitMqRelease right) => left.CompareTo(right) > 0;

    public static bool operator >=(RabbitMqRelease left, RabbitMqRelease right) => left.CompareTo(right) >= 0;
}
