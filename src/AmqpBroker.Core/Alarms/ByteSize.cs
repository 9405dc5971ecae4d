using System.Globalization;

namespace AmqpBroker.Core.Alarms;

/// <summary>
/// Sizes as RabbitMQ's configuration writes them: a whole number of bytes, optionally with a unit, kB/MB/GB
/// (powers of 1000) or KiB/MiB/GiB (powers of 1024), e.g. <c>50MB</c> or <c>512MiB</c>.
/// </summary>
public static class ByteSize
{
    private static readonly (string Unit, long Factor)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("kB", 1_000), ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
    ];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var value = (text ?? "").Trim();
        var factor = 1L;
        foreach (var (unit, unitFactor) in Units)
        {
            if (value.EndsWith(unit, StringComparison.Ordinal))
            {
                value = value[..^unit.Length].TrimEnd();
                factor = unitFactor;
                break;
            }
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue / factor)
        {
            return false;
        }

        bytes = number * factor;
        return true;
    }
}
