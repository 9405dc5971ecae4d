using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>x-delivery-count on a queue with x-delivery-limit, as RabbitMQ 3.10's quorum queues write it (checked).</summary>
[TestFixture]
public sealed class DeliveryCountTests : BrokerFixture
{
    [Test]
    public void Each_delivery_carries_how_often_the_message_was_delivered_before()
    {
        var queue = VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-delivery-limit"] = 5 }), Connection, passive: false);
        queue.EnqueueAll("m");
        var (session, target) = OpenSession();
        var counts = new List<object?>();
        for (var i = 0; i < 3; i++)
        {
            Assert.That(session.Get(queue, noAck: false), Is.True);
            counts.Add(BasicProperties.Decode(target.Gets[^1].Message.Properties).Headers?["x-delivery-count"]);
            session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);
        }

        Assert.That(counts, Is.EqualTo(new object?[] { 0L, 1L, 2L }));
    }

    [Test]
    public void A_queue_without_a_delivery_limit_leaves_the_headers_alone()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m");
        var (session, target) = OpenSession();
        session.Get(queue, noAck: false);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);

        session.Get(queue, noAck: false);

        Assert.That(target.Gets[^1].Redelivered, Is.True);
        Assert.That(BasicProperties.Decode(target.Gets[^1].Message.Properties).Headers, Is.Null);
    }

    [Test]
    public void Past_the_limit_the_message_is_dead_lettered_without_the_count_header()
    {
        VirtualHost.DeclareQueue(Connection, "dead");
        var queue = VirtualHost.DeclareQueue(
            TestData.QueueDefinition("q", arguments: new Dictionary<string, object?>
            {
                ["x-delivery-limit"] = 1,
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = "dead",
            }),
            Connection,
            passive: false);
        queue.EnqueueAll("m");
        var (session, target) = OpenSession();
        for (var i = 0; i < 2; i++)
        {
            session.Get(queue, noAck: false);
            session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);
        }

        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(session.Get(VirtualHost.GetQueue("dead", Connection), noAck: false), Is.True);
        var headers = BasicProperties.Decode(target.Gets[^1].Message.Properties).Headers!;
        Assert.That(headers.ContainsKey("x-delivery-count"), Is.False);
        Assert.That(headers["x-first-death-reason"], Is.EqualTo("delivery_limit"));
    }
}
