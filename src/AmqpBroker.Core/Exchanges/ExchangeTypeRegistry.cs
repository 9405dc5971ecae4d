using System.Collections.Frozen;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// The exchange types one broker knows, by name, as RabbitMQ's <c>rabbit_registry</c>: declaring, restoring
/// and listing exchanges all read it. A new type is one <see cref="IExchangeType"/> and one entry in
/// <see cref="For"/>. Fixed once built, so lookups take no lock.
/// </summary>
public sealed class ExchangeTypeRegistry
{
    private readonly FrozenDictionary<string, IExchangeType> _types;
    private readonly bool _unknownTypeIsChannelError;

    /// <param name="types">The types known.</param>
    /// <param name="unknownTypeIsChannelError">Whether an unknown type closes the channel (406) rather than the connection (503).</param>
    public ExchangeTypeRegistry(IEnumerable<IExchangeType> types, bool unknownTypeIsChannelError = true)
    {
        _types = types.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        _unknownTypeIsChannelError = unknownTypeIsChannelError;
        Types = [.. _types.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The types every broker has: AMQP's four and the consistent-hash and delayed-message plugins', without the limits
    /// later releases set (4.2.6's consistent-hash weights, 4.3.5's '#' words in topic keys).
    /// </summary>
    public static IEnumerable<IExchangeType> BuiltIn => BuiltInWith(topicMaxHashWildcards: null, maxConsistentHashWeight: null);

    /// <summary>Every registered type, by name.</summary>
    public IReadOnlyList<IExchangeType> Types { get; }

    /// <summary>The types the release of <paramref name="profile"/> has built in, and its way of refusing others.</summary>
    public static ExchangeTypeRegistry For(VersionProfile profile)
    {
        var types = BuiltInWith(profile.TopicBindingMaxHashWildcards, profile.ConsistentHashMaxBindingWeight);
        if (profile.LocalRandomExchange)
        {
            types = types.Append(new LocalRandomExchangeType());
        }

        if (profile.ModulusHashExchange)
        {
            types = types.Append(new ModulusHashExchangeType());
        }

        return new ExchangeTypeRegistry(types, profile.UnknownExchangeTypeIsChannelError);
    }

    private static IEnumerable<IExchangeType> BuiltInWith(int? topicMaxHashWildcards, int? maxConsistentHashWeight) =>
    [
        new DirectExchangeType(),
        new FanoutExchangeType(),
        new TopicExchangeType(topicMaxHashWildcards),
        new HeadersExchangeType(),
        new ConsistentHashExchangeType(maxConsistentHashWeight),
        new DelayedMessageExchangeType(),
    ];

    /// <summary>
    /// The named type. RabbitMQ checks the type before anything else about a declare, and refuses one it lacks
    /// with 503 COMMAND_INVALID up to 3.13.2, with 406 PRECONDITION_FAILED since (rabbit_exchange:check_type).
    /// </summary>
    public IExchangeType Get(string name)
    {
        if (_types.GetValueOrDefault(name) is { } type)
        {
            return type;
        }

        var text = $"unknown exchange type '{name}'";
        throw _unknownTypeIsChannelError ? AmqpException.PreconditionFailed(text) : AmqpException.CommandInvalid(text);
    }

    public Exchange Create(ExchangeDefinition definition) => Get(definition.Type).Create(definition);

    /// <summary>An exchange of the declared type in the virtual host <paramref name="context"/> describes.</summary>
    public Exchange Create(ExchangeDefinition definition, ExchangeContext context) => Get(definition.Type).Create(definition, context);
}
