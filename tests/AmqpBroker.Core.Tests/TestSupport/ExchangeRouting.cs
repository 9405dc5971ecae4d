using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>Routing one message through one exchange on its own, and a destination that is neither queue nor exchange.</summary>
internal static class ExchangeRouting
{
    /// <summary>What <paramref name="exchange"/> routes <paramref name="message"/> to; the publisher's reference is released.</summary>
    public static List<IBindingDestination> Route(Exchange exchange, Message message)
    {
        try
        {
            var scratch = new RoutingScratch();
            exchange.Route(message, scratch);
            return [.. scratch.Destinations];
        }
        finally
        {
            message.Release();
        }
    }
}

/// <summary>A binding destination that only has a name.</summary>
internal sealed class FakeDestination(string name) : IBindingDestination
{
    public string Name { get; } = name;

    public bool IsDurable => false;

    public override string ToString() => Name;
}
