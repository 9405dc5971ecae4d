using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Queues.Quorum;

/// <summary>
/// Message priorities in quorum queues by release: none in 3.x (arrival order); in 4.0–4.2 two levels (above 4 is
/// high), the high one first except that every third dequeue takes the older head (rabbit_fifo_q at v4.0.1,
/// release-notes/4.0.1.md #10637); in 4.3 32 strict levels, a message without priority counting as 4 and one
/// above 31 as 31 (rabbit_fifo:msg_priority at v4.3.0, release-notes/4.3.0.md #13885).
/// </summary>
[TestFixture]
public sealed class QuorumPriorityTests : BrokerFixture
{
    [TestCase("3.10", new[] { "n1", "n2", "n3", "h1", "h2", "h3" })]
    [TestCase("4.0", new[] { "h1", "h2", "n1", "h3", "n2", "n3" })]
    [TestCase("4.3", new[] { "h1", "h2", "h3", "n1", "n2", "n3" })]
    public void Normal_then_high_priority_messages_come_out_in_the_releases_order(string release, string[] expected)
    {
        var queue = DeclareIn(release);
        foreach (var (body, priority) in new[] { ("n1", 0), ("n2", 0), ("n3", 0), ("h1", 9), ("h2", 9), ("h3", 9) })
        {
            Enqueue(queue, body, (byte)priority);
        }

        Assert.That(Drain(queue), Is.EqualTo(expected));
    }

    [Test]
    public void In_4_3_no_priority_counts_as_4_and_above_31_as_31()
    {
        var queue = DeclareIn("4.3");
        Enqueue(queue, "p3", 3);
        Enqueue(queue, "none", priority: null);
        Enqueue(queue, "p5", 5);
        Enqueue(queue, "p200", 200);
        Enqueue(queue, "p31", 31);

        Assert.That(Drain(queue), Is.EqualTo(new[] { "p200", "p31", "p5", "none", "p3" }));
    }

    private Core.Queues.Queue DeclareIn(string release)
    {
        var virtualHost = new Core.VirtualHosts.VirtualHost("/", TestSupport.TestData.Services(release));
        return QuorumTestData.Declare(virtualHost, Connection, "q");
    }

    private static void Enqueue(Core.Queues.Queue queue, string body, byte? priority)
    {
        var properties = new BasicProperties { Priority = priority };
        var message = Core.Messages.Message.Create(string.Empty, "q", properties.Encode(), System.Text.Encoding.UTF8.GetBytes(body));
        queue.Enqueue(message);
        message.Release();
    }

    private List<string> Drain(Core.Queues.Queue queue)
    {
        var (session, target) = OpenSession();
        var bodies = new List<string>();
        while (session.Get(queue, noAck: true))
        {
            bodies.Add(target.Gets[^1].Body);
        }

        return bodies;
    }
}
