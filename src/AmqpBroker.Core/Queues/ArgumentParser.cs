using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// Reads one queue's x-arguments (or one consumer's) with RabbitMQ's validators and their 406 texts
/// (<c>invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_negative,-1}</c>).
/// </summary>
internal readonly struct ArgumentParser(IReadOnlyDictionary<string, object?> arguments, string queueDescription)
{
    public IReadOnlyDictionary<string, object?> Arguments => arguments;

    public string QueueDescription => queueDescription;

    public long? NonNegative(string name)
    {
        var value = Integer(name);
        return value < 0 ? throw Invalid(name, $"{{value_negative,{value}}}") : value;
    }

    public long? Positive(string name)
    {
        var value = Integer(name);
        return value <= 0 ? throw Invalid(name, value == 0 ? "{value_zero,0}" : $"{{value_negative,{value}}}") : value;
    }

    public byte? Priority(string name) => NonNegative(name) switch
    {
        null => null,
        > 255 and var value => throw Invalid(name, $"{{max_value_exceeded,{value}}}"),
        var value => (byte)value.Value,
    };

    public bool Boolean(string name) => Lookup(name) switch
    {
        (false, _) => false,
        (true, bool value) => value,
        (true, var other) => throw Invalid(name, $"{{unacceptable_type,{ErlangTerms.TypeName(other)}}}"),
    };

    public string? String(string name) => Lookup(name) switch
    {
        (false, _) => null,
        (true, string value) => value,
        (true, var other) => throw Invalid(name, $"{{unacceptable_type,{ErlangTerms.TypeName(other)}}}"),
    };

    /// <summary>A string that must be one of <paramref name="allowed"/>; RabbitMQ names the error <paramref name="error"/> otherwise.</summary>
    public string? OneOf(string name, string error, params ReadOnlySpan<string> allowed)
    {
        var value = String(name);
        return value is null || allowed.Contains(value) ? value : throw Invalid(name, error);
    }

    /// <summary>RabbitMQ words a bad exchange-name argument differently from its other type errors.</summary>
    public string? ExchangeName(string name) => Lookup(name) switch
    {
        (false, _) => null,
        (true, string value) => value,
        (true, var other) => throw AmqpException.PreconditionFailed(
            $"invalid type '{ErlangTerms.TypeName(other)}' for arg '{name}' in {queueDescription}"),
    };

    /// <summary>An integer of any AMQP width, or null when absent; "expected integer, got T" otherwise.</summary>
    public long? Integer(string name) => Lookup(name) switch
    {
        (false, _) => null,
        (true, var value) when IntegerValues.TryGet(value, out var integer) => integer,
        (true, var other) => throw Invalid(name, $"\"expected integer, got {ErlangTerms.TypeName(other)}\""),
    };

    public AmqpException Invalid(string name, string error) => QueueArguments.Invalid(name, queueDescription, error);

    public bool Has(string name) => arguments.ContainsKey(name);

    /// <summary>An argument sent as void is present and of the wrong type, not absent.</summary>
    public (bool Present, object? Value) Lookup(string name) =>
        arguments.TryGetValue(name, out var value) ? (true, value) : (false, null);
}
