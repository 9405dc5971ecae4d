using AmqpBroker.Core.Errors;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// <c>x-delayed-message</c>, RabbitMQ's most requested plugin (rabbitmq-delayed-message-exchange) built in:
/// an exchange that routes as the type its <c>x-delayed-type</c> argument names, and holds a message with an
/// <c>x-delay</c> header (milliseconds) until then. The argument is required and must name another existing
/// type; the plugin's texts for both mistakes are kept.
/// </summary>
internal sealed class DelayedMessageExchangeType : IExchangeType
{
    public const string TypeName = "x-delayed-message";
    public const string DelayedTypeArgument = "x-delayed-type";

    public string Name => TypeName;

    public string Description => "Delayed Message Exchange.";

    public void ValidateArguments(ExchangeDefinition definition) => DelayedType(definition);

    /// <summary>Without a virtual host there is no routing onward and nothing to release to; exchanges are always created in one.</summary>
    public Exchange Create(ExchangeDefinition definition) =>
        throw new InvalidOperationException($"an {TypeName} exchange is created in a virtual host");

    /// <summary>The exchange, routing through an exchange of the delayed type (which checks the arguments too).</summary>
    public Exchange Create(ExchangeDefinition definition, ExchangeContext context)
    {
        var routing = context.Types.Get(DelayedType(definition));
        var inner = definition with { Type = routing.Name };
        routing.ValidateArguments(inner);
        return new DelayedMessageExchange(definition, routing.Create(inner, context), context);
    }

    private static string DelayedType(ExchangeDefinition definition) =>
        definition.Arguments.GetValueOrDefault(DelayedTypeArgument) switch
        {
            TypeName => throw AmqpException.PreconditionFailed($"Invalid argument, '{TypeName}' can't be used for '{DelayedTypeArgument}'"),
            string type => type,
            _ => throw AmqpException.PreconditionFailed($"Invalid argument, '{DelayedTypeArgument}' must be an existing exchange type"),
        };
}
