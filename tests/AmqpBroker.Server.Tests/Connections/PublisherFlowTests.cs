using AmqpBroker.Server.Connections;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>
/// A connection's credit-based flow control: a publish that reached a queue behind throttles the connection until
/// the queue catches up (or the connection goes); a connection that consumes with acks is never throttled; the
/// <c>flow</c> state lasts 5 s on the broker's clock after the throttle ends, as RabbitMQ shows it.
/// </summary>
[TestFixture]
public sealed class PublisherFlowTests
{
    private static readonly TimeSpan ShownFor = TimeSpan.FromSeconds(5);

    [Test]
    public async Task A_queue_behind_throttles_until_it_catches_up_and_flow_shows_5_seconds_after()
    {
        var time = new FakeTimeProvider();
        var flow = new PublisherFlow(time, static () => false);
        var caughtUp = new TaskCompletionSource();
        Assert.That(flow.WasInFlowWithin(ShownFor), Is.False, "never throttled yet");

        flow.OnQueueBehind(caughtUp.Task);
        Assert.That(flow.IsThrottled, Is.True);
        var waiting = flow.WaitAsync(Task.Delay(Timeout.Infinite));
        Assert.That(waiting.IsCompleted, Is.False, "the queue has not caught up");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(flow.WasInFlowWithin(ShownFor), Is.True, "in flow now, however long");

        caughtUp.SetResult();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(flow.IsThrottled, Is.False);
        time.Advance(ShownFor - TimeSpan.FromMilliseconds(1));
        Assert.That(flow.WasInFlowWithin(ShownFor), Is.True, "flow is shown for 5 s after");
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(flow.WasInFlowWithin(ShownFor), Is.False);
    }

    [Test]
    public async Task The_connection_going_ends_the_wait()
    {
        var flow = new PublisherFlow(new FakeTimeProvider(), static () => false);
        var closed = new TaskCompletionSource();
        flow.OnQueueBehind(new TaskCompletionSource().Task);
        var waiting = flow.WaitAsync(closed.Task);

        closed.SetResult();

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(flow.IsThrottled, Is.False);
    }

    [Test]
    public void A_connection_that_consumes_with_acks_or_a_queue_caught_up_already_is_not_throttled()
    {
        var consumesWithAcks = new PublisherFlow(new FakeTimeProvider(), static () => true);
        consumesWithAcks.OnQueueBehind(new TaskCompletionSource().Task);
        Assert.That(consumesWithAcks.IsThrottled, Is.False, "its acks may be what the queue waits for");

        var flow = new PublisherFlow(new FakeTimeProvider(), static () => false);
        flow.OnQueueBehind(Task.CompletedTask);
        Assert.That(flow.IsThrottled, Is.False);
    }
}
