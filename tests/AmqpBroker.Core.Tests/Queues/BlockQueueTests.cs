using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Tests.Queues;

[TestFixture]
public sealed class BlockQueueTests
{
    [TestCase(3)]
    [TestCase(11)]
    public void Matches_a_plain_queue_through_growth_draining_and_reuse(int seed)
    {
        var random = new Random(seed);
        var blocks = new BlockQueue<long>();
        var model = new Queue<long>();
        long next = 0;

        for (var step = 0; step < 200_000; step++)
        {
            // Phases that mostly grow, then mostly drain, cross many block boundaries both ways and empty the queue.
            var growing = step / 20_000 % 2 == 0;
            if (random.Next(10) < (growing ? 7 : 3))
            {
                blocks.Enqueue(next);
                model.Enqueue(next++);
            }
            else if (model.Count > 0)
            {
                Assert.That(blocks.Peek(), Is.EqualTo(model.Peek()));
                Assert.That(blocks.Dequeue(), Is.EqualTo(model.Dequeue()), $"step {step}");
            }

            Assert.That(blocks.Count, Is.EqualTo(model.Count));
        }

        while (model.Count > 0)
        {
            Assert.That(blocks.Dequeue(), Is.EqualTo(model.Dequeue()));
        }

        Assert.That(blocks.TryPeek(out _), Is.False);
        Assert.Throws<InvalidOperationException>(() => blocks.Dequeue());
    }
}
