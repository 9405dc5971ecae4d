using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Queues;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Benchmarks;

/// <summary>The reset benchmark's broker state: 100 queues, each bound to an exchange, with 10,000 messages between them.</summary>
internal static class FilledBroker
{
    public const int Queues = 100;
    public const int Messages = 10_000;

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(new string('x', 256));

    public static void Fill(Broker broker)
    {
        var virtualHost = broker.FindVirtualHost("/")!;
        var owner = new ClientConnection("benchmark", broker.Users.Find("guest")!, "/", FieldTable.Empty, broker.Time.GetUtcNow(), _ => { });
        var exchange = virtualHost.DeclareExchange(new Core.Exchanges.ExchangeDefinition("bench", "/", "direct", true, false, false, FieldTable.Empty), passive: false);
        for (var i = 0; i < Queues; i++)
        {
            virtualHost.DeclareQueue(new QueueDefinition($"q{i}", "/", Durable: true, Exclusive: false, AutoDelete: false, FieldTable.Empty), owner, passive: false);
            virtualHost.Bind($"q{i}", exchange.Name, $"q{i}", FieldTable.Empty, owner);
        }

        var publisher = Publisher.ForBroker(virtualHost);
        var properties = new BasicProperties { DeliveryMode = 2 }.Encode();
        for (var i = 0; i < Messages; i++)
        {
            publisher.Publish(new PublishRequest(Message.Create(exchange.Name, $"q{i % Queues}", properties, Body)));
        }
    }
}
