using System.Globalization;

namespace AmqpBroker.Core.Arguments;

/// <summary>
/// Integral values of any CLR integer type, as field tables and JSON definitions carry them: RabbitMQ treats
/// every integer width as one kind. Floats are not integers, even 1000.0.
/// </summary>
public static class IntegerValues
{
    public static bool TryGet(object? field, out long value)
    {
        switch (field)
        {
            case sbyte or byte or short or ushort or int or uint or long:
                value = Convert.ToInt64(field, CultureInfo.InvariantCulture);
                return true;
            case ulong u when u <= long.MaxValue:
                value = (long)u;
                return true;
            default:
                value = 0;
                return false;
        }
    }
}
