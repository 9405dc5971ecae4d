using System.Buffers;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Messages;

/// <summary>A message's pooled buffer goes back to the pool exactly when its last holder lets go.</summary>
[TestFixture]
public sealed class MessageReferenceTests : BrokerFixture
{
    [Test]
    public void Releasing_the_only_reference_returns_the_buffer()
    {
        var message = TestData.Message("hello");
        Assert.That(message.Body.ToArray(), Is.EqualTo("hello"u8.ToArray()));

        message.Release();

        Assert.That(TestData.IsReleased(message), Is.True);
        Assert.Throws<ObjectDisposedException>(() => _ = message.Properties.Length);
    }

    [Test]
    public void Each_added_reference_needs_its_own_release()
    {
        var message = TestData.Message("hello");
        message.AddReference();
        message.AddReference();

        message.Release();
        message.Release();
        Assert.That(TestData.IsReleased(message), Is.False);

        message.Release();
        Assert.That(TestData.IsReleased(message), Is.True);
    }

    [Test]
    public void Body_frames_fill_the_message_until_complete_and_an_overrun_is_refused()
    {
        byte[] noProperties = [0, 0];
        var message = new Message("", "rk", noProperties, ContentSummary.Read(noProperties), 6);
        Assert.That(message.IsComplete, Is.False);

        Assert.That(message.TryAppendBody(new ReadOnlySequence<byte>("abc"u8.ToArray())), Is.True);
        Assert.That(message.IsComplete, Is.False);
        Assert.That(message.TryAppendBody(new ReadOnlySequence<byte>("defg"u8.ToArray())), Is.False, "7 bytes for a 6-byte body");
        Assert.That(message.TryAppendBody(new ReadOnlySequence<byte>("def"u8.ToArray())), Is.True);

        Assert.That(message.IsComplete, Is.True);
        Assert.That(message.Body.ToArray(), Is.EqualTo("abcdef"u8.ToArray()));
        Assert.That(message.Size, Is.EqualTo(8));
        message.Release();
    }

    [Test]
    public void A_message_routed_to_two_queues_is_released_only_after_both_settle()
    {
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("fan", ExchangeTypes.Fanout), passive: false);
        var queue1 = VirtualHost.DeclareQueue(Connection, "q1");
        var queue2 = VirtualHost.DeclareQueue(Connection, "q2");
        VirtualHost.Bind("q1", "fan", "", Protocol.Encoding.FieldTable.Empty, Connection);
        VirtualHost.Bind("q2", "fan", "", Protocol.Encoding.FieldTable.Empty, Connection);
        var (session1, target1) = OpenSession();
        var (session2, target2) = OpenSession();
        Consume(session1, queue1, "c1");
        Consume(session2, queue2, "c2");

        Assert.That(VirtualHost.Publish("fan", "", "shared"), Is.EqualTo(2));

        var message = target1.Last.Message;
        Assert.That(target2.Last.Message, Is.SameAs(message), "one body shared by both queues");
        Assert.That(TestData.IsReleased(message), Is.False);

        session1.Ack(1, multiple: false);
        Assert.That(TestData.IsReleased(message), Is.False, "queue 2 still holds it");

        session2.Ack(1, multiple: false);
        Assert.That(TestData.IsReleased(message), Is.True);
    }

    [Test]
    public void A_message_is_released_once_no_queue_holds_it_whatever_the_mix_of_settlements()
    {
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("fan", ExchangeTypes.Fanout), passive: false);
        var queues = new[] { "q1", "q2", "q3", "q4" }.Select(n => VirtualHost.DeclareQueue(Connection, n)).ToArray();
        foreach (var queue in queues)
        {
            VirtualHost.Bind(queue.Name, "fan", "", Protocol.Encoding.FieldTable.Empty, Connection);
        }

        var (session, target) = OpenSession();
        VirtualHost.Publish("fan", "", "body");
        foreach (var queue in queues)
        {
            Assert.That(session.Get(queue, noAck: queue.Name == "q4"), Is.True);
        }

        var message = target.Gets[0].Message;
        Assert.That(target.Gets.Select(g => g.Message), Is.All.SameAs(message));

        // q1: ack; q2: reject without requeue; q3: requeue then purge; q4: no-ack get.
        session.Ack(1, multiple: false);
        session.Reject(2, multiple: false, requeue: false);
        session.Reject(3, multiple: false, requeue: true);
        Assert.That(queues[2].ReadyCount, Is.EqualTo(1));
        Assert.That(TestData.IsReleased(message), Is.False, "q3 holds it again");
        Assert.That(queues[2].Purge(), Is.EqualTo(1u));

        Assert.That(TestData.IsReleased(message), Is.True);
        Assert.That(queues.Sum(q => q.ReadyCount + q.UnackedCount), Is.Zero);
    }

    [Test]
    public void Settling_each_queue_in_turn_releases_the_shared_message_at_the_last_one()
    {
        var queue1 = VirtualHost.DeclareQueue(Connection, "q1");
        var queue2 = VirtualHost.DeclareQueue(Connection, "q2");
        var queue3 = VirtualHost.DeclareQueue(Connection, "q3");
        var message = TestData.Message("body");
        queue1.Enqueue(message);
        queue2.Enqueue(message);
        queue3.Enqueue(message);
        message.Release();
        var (session, _) = OpenSession();

        Assert.That(session.Get(queue1, noAck: true), Is.True);
        Assert.That(TestData.IsReleased(message), Is.False);
        Assert.That(queue2.Purge(), Is.EqualTo(1u));
        Assert.That(TestData.IsReleased(message), Is.False);
        Assert.That(VirtualHost.DeleteQueue("q3", false, false, Connection), Is.EqualTo(1u));

        Assert.That(TestData.IsReleased(message), Is.True);
    }

    [Test]
    public void A_no_ack_delivery_releases_the_queue_reference_at_once()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        Consume(session, queue, "c", noAck: true);

        queue.EnqueueAll("m1");

        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1" }));
        Assert.That(TestData.IsReleased(target.Last.Message), Is.True, "the fake target took no reference of its own");
    }

    [Test]
    public void A_requeue_into_a_deleted_queue_releases_the_message()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        Consume(session, queue, "c");
        queue.EnqueueAll("m1");
        var message = target.Last.Message;

        VirtualHost.DeleteQueue("q", false, false, Connection);
        Assert.That(TestData.IsReleased(message), Is.False, "still unacked on the channel");

        session.Close();
        Assert.That(TestData.IsReleased(message), Is.True);
    }

    [Test]
    public void A_message_published_to_a_deleted_queue_is_released()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        VirtualHost.DeleteQueue("q", false, false, Connection);
        var message = TestData.Message("late");

        queue.Enqueue(message);
        message.Release();

        Assert.That(TestData.IsReleased(message), Is.True);
        Assert.That(queue.ReadyCount, Is.Zero);
    }

    [Test]
    public void An_unroutable_message_is_released_by_the_publisher_alone()
    {
        var message = TestData.Message("nobody", routingKey: "no-such-queue");

        var routed = VirtualHost.Publish(VirtualHost.DefaultExchange, message, new RoutingScratch(), out _);
        message.Release();

        Assert.That(routed, Is.Zero);
        Assert.That(TestData.IsReleased(message), Is.True);
    }
}
