using System.Globalization;
using AmqpBroker.Core.Errors;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// RabbitMQ's age strings (x-max-age, and x-stream-offset given as an interval): a positive whole number and
/// one unit — <c>Y</c> (365 days), <c>M</c> (30 days), <c>D</c>, <c>h</c>, <c>m</c> (minute) or <c>s</c>.
/// </summary>
internal static class StreamAge
{
    /// <summary>The age in milliseconds, or null when it is not one (RabbitMQ's <c>invalid_max_age</c>).</summary>
    public static long? TryParse(string text)
    {
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            return null;
        }

        var unit = text.AsSpan(digits) switch
        {
            "Y" => 365L * 24 * 3600 * 1000,
            "M" => 30L * 24 * 3600 * 1000,
            "D" => 24L * 3600 * 1000,
            "h" => 3600L * 1000,
            "m" => 60L * 1000,
            "s" => 1000L,
            _ => 0L,
        };
        return unit == 0 || value > long.MaxValue / unit ? null : value * unit;
    }

    /// <summary>
    /// As a queue or consumer argument: RabbitMQ's parser crashes on a text without leading digits, which
    /// clients see as connection.close 541 INTERNAL_ERROR; any other invalid age is <c>invalid_max_age</c>.
    /// </summary>
    public static long? ParseArgument(string text) =>
        text.Length == 0 || !char.IsAsciiDigit(text[0]) ? throw AmqpException.InternalError() : TryParse(text);
}
