using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// Routes by message headers against each binding's arguments (see <see cref="HeadersMatch"/>). Every
/// binding is tested per publish, as in RabbitMQ: headers do not index.
/// </summary>
public sealed class HeadersExchange(ExchangeDefinition definition) : Exchange(definition)
{
    private volatile (HeadersMatch Match, IBindingDestination Destination)[] _bindings = [];

    public override void Route(Message message, RoutingScratch scratch)
    {
        var destinations = scratch.Destinations;
        var bindings = _bindings;
        if (bindings.Length == 0)
        {
            return;
        }

        var headers = (message.Summary.Flags & PropertyFlags.Headers) != 0
            ? BasicProperties.Decode(message.Properties).Headers ?? FieldTable.Empty
            : FieldTable.Empty;
        var start = destinations.Count;
        foreach (var (match, destination) in bindings)
        {
            if (match.Matches(headers))
            {
                destinations.Add(destination);
            }
        }

        DestinationDeduplicator.RemoveDuplicates(destinations, scratch.Seen, start);
    }

    /// <summary>An invalid <c>x-match</c> is refused before the binding is stored (406, as RabbitMQ).</summary>
    protected override void ValidateBinding(Binding binding) => HeadersMatch.Parse(binding.Arguments);

    protected override void OnBindingAdded(Binding binding) => Rebuild();

    protected override void OnBindingRemoved(Binding binding) => Rebuild();

    private void Rebuild() => _bindings = Bindings.Select(b => (HeadersMatch.Parse(b.Arguments), b.Destination)).ToArray();
}

/// <summary>The <c>headers</c> type.</summary>
internal sealed class HeadersExchangeType : IExchangeType
{
    public string Name => ExchangeTypes.Headers;

    public string Description => "AMQP headers exchange, as per the AMQP specification";

    public Exchange Create(ExchangeDefinition definition) => new HeadersExchange(definition);
}
