using System.Globalization;
using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// The <c>x-delay</c> header of RabbitMQ's delayed-message plugin: milliseconds as any integer type, a numeric
/// string or a float (truncated). Only a delay from 1 ms to 2^32-1 ms (Erlang's longest timer) holds a
/// message back; absent, zero, negative or out-of-range delays route it at once. A released message carries
/// the delay negated, which marks it as having been delayed and keeps it from being delayed again.
/// </summary>
internal static class DelayHeader
{
    public const string Name = "x-delay";

    /// <summary>The longest delay the plugin honours: Erlang's maximum timer.</summary>
    public const long MaxDelayMs = uint.MaxValue;

    /// <summary>The delay <paramref name="message"/> asks for in milliseconds, or 0 when it goes at once.</summary>
    public static long Read(Message message)
    {
        if ((message.Summary.Flags & PropertyFlags.Headers) == 0
            || BasicProperties.Decode(message.Properties).Headers?.GetValueOrDefault(Name) is not { } value)
        {
            return 0;
        }

        var delay = value switch
        {
            string text when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            float or double or decimal => Truncate(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            _ when IntegerValues.TryGet(value, out var integer) => integer,
            _ => 0,
        };
        return delay is > 0 and <= MaxDelayMs ? delay : 0;
    }

    /// <summary>A copy of <paramref name="message"/> as the exchange releases it: x-delay set to minus <paramref name="delayMs"/>.</summary>
    public static Message Released(Message message, long delayMs)
    {
        var properties = BasicProperties.Decode(message.Properties);
        properties.Headers = new Dictionary<string, object?>(properties.Headers ?? new Dictionary<string, object?>())
        {
            [Name] = delayMs <= int.MaxValue ? -(int)delayMs : -delayMs,
        };
        return Message.Create(message.Exchange, message.RoutingKey, properties.Encode(), message.Body);
    }

    private static long Truncate(double value) => double.IsFinite(value) && Math.Abs(value) < long.MaxValue ? (long)value : 0;
}
