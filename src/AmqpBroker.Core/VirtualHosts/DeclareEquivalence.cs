using System.Globalization;
using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>A redeclare must match the original declaration; RabbitMQ names the first field that differs.</summary>
internal static class DeclareEquivalence
{
    // RabbitMQ compares only the arguments it interprets; any other argument may differ on a redeclare.
    private static readonly string[] CheckedExchangeArguments = ["alternate-exchange"];

    public static void CheckExchange(ExchangeDefinition current, ExchangeDefinition received)
    {
        var what = $"exchange '{current.Name}' in vhost '{current.VirtualHost}'";
        Check("type", current.Type, received.Type, what);
        Check("durable", current.Durable, received.Durable, what);
        Check("auto_delete", current.AutoDelete, received.AutoDelete, what);
        Check("internal", current.Internal, received.Internal, what);
        CheckArguments(CheckedExchangeArguments, current.Arguments, received.Arguments, what, defaultQueueType: null);
    }

    /// <param name="current">The queue's declaration.</param>
    /// <param name="received">The redeclaration.</param>
    /// <param name="checkedArguments">The arguments the queue's type has, in RabbitMQ's order: only those are compared.</param>
    /// <param name="defaultQueueType">
    /// The type a declaration without x-queue-type gets: naming it on one side and leaving it out on the other is
    /// the same queue (rabbit_misc:assert_field_equivalence's special case for classic).
    /// </param>
    public static void CheckQueue(QueueDefinition current, QueueDefinition received, IReadOnlyList<string> checkedArguments, string defaultQueueType)
    {
        var what = $"queue '{current.Name}' in vhost '{current.VirtualHost}'";
        Check("durable", current.Durable, received.Durable, what);
        Check("auto_delete", current.AutoDelete, received.AutoDelete, what);
        CheckArguments(checkedArguments, current.Arguments, received.Arguments, what, defaultQueueType);
    }

    private static void Check<T>(string field, T current, T received, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(current, received))
        {
            throw Inequivalent(field, Quote(received), Quote(current), what);
        }
    }

    private static void CheckArguments(
        IReadOnlyList<string> names, IReadOnlyDictionary<string, object?> current, IReadOnlyDictionary<string, object?> received, string what, string? defaultQueueType)
    {
        foreach (var name in names)
        {
            var hasCurrent = current.TryGetValue(name, out var currentValue);
            var hasReceived = received.TryGetValue(name, out var receivedValue);
            if (hasCurrent && hasReceived)
            {
                if (!SameClassAndValue(currentValue, receivedValue))
                {
                    throw Inequivalent(name, Quote(receivedValue), Quote(currentValue), what);
                }
            }
            else if ((hasCurrent || hasReceived) && !IsDefaultQueueTypeOnOneSide(name, hasCurrent ? currentValue : receivedValue, defaultQueueType))
            {
                throw Inequivalent(name, Describe(hasReceived, receivedValue), Describe(hasCurrent, currentValue), what);
            }
        }
    }

    private static bool IsDefaultQueueTypeOnOneSide(string name, object? value, string? defaultQueueType) =>
        name == QueueTypeRegistry.QueueTypeArgument && defaultQueueType is not null && Equals(value, defaultQueueType);

    /// <summary>As RabbitMQ: integers of any width are one class, floats another; values then compare as numbers.</summary>
    private static bool SameClassAndValue(object? current, object? received) => (AsInteger(current), AsInteger(received)) switch
    {
        ({ } a, { } b) => a == b,
        (null, null) when current is float or double && received is float or double => Convert.ToDouble(current, CultureInfo.InvariantCulture) == Convert.ToDouble(received, CultureInfo.InvariantCulture),
        (null, null) => FieldTableComparer.ValuesEqual(current, received),
        _ => false,
    };

    private static Int128? AsInteger(object? value) => value switch
    {
        _ when IntegerValues.TryGet(value, out var integer) => integer,
        decimal d when d == decimal.Truncate(d) => (Int128)d,
        _ => null,
    };

    private static AmqpException Inequivalent(string field, string received, string current, string what) =>
        AmqpException.PreconditionFailed($"inequivalent arg '{field}' for {what}: received {received} but current is {current}");

    private static string Describe(bool present, object? value) => present ? $"the value {Quote(value)} of type '{ErlangTerms.TypeName(value)}'" : "none";

    private static string Quote(object? value) => value switch
    {
        bool b => b ? "'true'" : "'false'",
        IFormattable f => $"'{f.ToString(null, CultureInfo.InvariantCulture)}'",
        _ => $"'{value}'",
    };
}
