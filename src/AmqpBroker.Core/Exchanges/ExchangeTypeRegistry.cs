using System.Collections.Frozen;
using AmqpBroker.Core.Errors;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// The exchange types one broker knows, by name, as RabbitMQ's <c>rabbit_registry</c>: declaring, restoring
/// and listing exchanges all read it. A new type is one <see cref="IExchangeType"/> and one entry in
/// <see cref="BuiltIn"/>. Fixed once built, so lookups take no lock.
/// </summary>
public sealed class ExchangeTypeRegistry
{
    private readonly FrozenDictionary<string, IExchangeType> _types;

    public ExchangeTypeRegistry(IEnumerable<IExchangeType> types)
    {
        _types = types.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        Types = [.. _types.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>The types every broker has.</summary>
    public static IEnumerable<IExchangeType> BuiltIn =>
    [
        new DirectExchangeType(),
        new FanoutExchangeType(),
        new TopicExchangeType(),
        new HeadersExchangeType(),
        new DelayedMessageExchangeType(),
    ];

    /// <summary>Every registered type, by name.</summary>
    public IReadOnlyList<IExchangeType> Types { get; }

    public static ExchangeTypeRegistry CreateBuiltIn() => new(BuiltIn);

    /// <summary>The named type; 503 COMMAND_INVALID when there is none. RabbitMQ checks the type before anything else about a declare.</summary>
    public IExchangeType Get(string name) =>
        _types.GetValueOrDefault(name) ?? throw AmqpException.CommandInvalid($"unknown exchange type '{name}'");

    public Exchange Create(ExchangeDefinition definition) => Get(definition.Type).Create(definition);

    /// <summary>An exchange of the declared type in the virtual host <paramref name="context"/> describes.</summary>
    public Exchange Create(ExchangeDefinition definition, ExchangeContext context) => Get(definition.Type).Create(definition, context);
}
