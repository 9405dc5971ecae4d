using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>A redeclare must match the original declaration; RabbitMQ names the first field that differs.</summary>
internal static class DeclareEquivalence
{
    public static void CheckExchange(ExchangeDefinition current, ExchangeDefinition received)
    {
        var what = $"exchange '{current.Name}' in vhost '{current.VirtualHost}'";
        Check("type", current.Type, received.Type, what);
        Check("durable", current.Durable, received.Durable, what);
        Check("auto_delete", current.AutoDelete, received.AutoDelete, what);
        Check("internal", current.Internal, received.Internal, what);
        CheckArguments(current.Arguments, received.Arguments, what);
    }

    public static void CheckQueue(QueueDefinition current, QueueDefinition received)
    {
        var what = $"queue '{current.Name}' in vhost '{current.VirtualHost}'";
        Check("durable", current.Durable, received.Durable, what);
        Check("auto_delete", current.AutoDelete, received.AutoDelete, what);
        CheckArguments(current.Arguments, received.Arguments, what);
    }

    private static void Check<T>(string field, T current, T received, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(current, received))
        {
            throw Inequivalent(field, Format(received), Format(current), what);
        }
    }

    private static void CheckArguments(IReadOnlyDictionary<string, object?> current, IReadOnlyDictionary<string, object?> received, string what)
    {
        foreach (var name in current.Keys.Union(received.Keys))
        {
            current.TryGetValue(name, out var currentValue);
            received.TryGetValue(name, out var receivedValue);
            if (!FieldTableComparer.ValuesEqual(currentValue, receivedValue))
            {
                throw Inequivalent(name, FormatValue(receivedValue), FormatValue(currentValue), what);
            }
        }
    }

    private static AmqpException Inequivalent(string field, string received, string current, string what) =>
        AmqpException.PreconditionFailed($"inequivalent arg '{field}' for {what}: received {received} but current is {current}");

    private static string Format<T>(T value) => value is bool b ? (b ? "'true'" : "'false'") : $"'{value}'";

    private static string FormatValue(object? value) => value is null ? "none" : $"the value '{value}' of type '{FieldTypeName(value)}'";

    private static string FieldTypeName(object value) => value switch
    {
        string or byte[] => "longstr",
        bool => "bool",
        sbyte or byte or short or ushort or int or uint or long or ulong => "long",
        float or double => "double",
        _ => "table",
    };
}
