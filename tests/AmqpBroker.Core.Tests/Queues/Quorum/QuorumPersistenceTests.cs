using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Queues.Quorum;

/// <summary>
/// A quorum queue has no transient messages: a message that reaches one is confirmed only after the store's
/// sync whatever its delivery mode, while a durable classic queue waits only for persistent ones.
/// </summary>
[TestFixture]
public sealed class QuorumPersistenceTests : BrokerFixture
{
    private protected override VersionProfile Profile => VersionProfile.For(new RabbitMqRelease(3, 10));

    [TestCase(false)]
    [TestCase(true)]
    public void Any_message_to_a_quorum_queue_waits_for_the_sync(bool persistent)
    {
        QuorumTestData.Declare(VirtualHost, Connection, "qq");

        Assert.That(Deliver("qq", persistent), Is.True);
    }

    [TestCase(false, false)]
    [TestCase(true, true)]
    public void Only_persistent_messages_to_a_durable_classic_queue_wait_for_it(bool persistent, bool waits)
    {
        VirtualHost.DeclareQueue(TestData.QueueDefinition("cq", durable: true), Connection, passive: false);

        Assert.That(Deliver("cq", persistent), Is.EqualTo(waits));
    }

    private bool Deliver(string queue, bool persistent)
    {
        var properties = new BasicProperties { DeliveryMode = persistent ? (byte)2 : (byte)1 };
        var message = Core.Messages.Message.Create(string.Empty, queue, properties.Encode(), "m"u8);
        try
        {
            return VirtualHost.Deliver(VirtualHost.DefaultExchange, message, new RoutingScratch()).NeedsSync;
        }
        finally
        {
            message.Release();
        }
    }
}
