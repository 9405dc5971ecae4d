namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// One exchange type, as RabbitMQ's <c>rabbit_exchange_type</c>: the name exchange.declare asks for, the
/// description the admin API lists, the check of a new exchange's arguments, and the exchange it creates,
/// which routes and validates its own bindings (<see cref="Exchange.Route"/>, <see cref="Exchange.ValidateBinding"/>).
/// A broker knows the types in its <see cref="ExchangeTypeRegistry"/>.
/// </summary>
public interface IExchangeType
{
    /// <summary>The type's name, as exchange.declare gives it (<c>direct</c>, <c>x-consistent-hash</c>).</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>Refuses arguments a new exchange of this type cannot work with (406 PRECONDITION_FAILED); most types take any.</summary>
    void ValidateArguments(ExchangeDefinition definition)
    {
    }

    Exchange Create(ExchangeDefinition definition);

    /// <summary>Creates the exchange in a virtual host; a type that needs the broker's timers, stores or routing (delayed messages) takes them from <paramref name="context"/>.</summary>
    Exchange Create(ExchangeDefinition definition, ExchangeContext context) => Create(definition);
}
