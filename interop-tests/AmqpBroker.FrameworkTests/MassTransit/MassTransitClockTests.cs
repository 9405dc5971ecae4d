using MassTransit;

namespace AmqpBroker.FrameworkTests.MassTransit;

/// <summary>
/// MassTransit's delayed messages on the broker's x-delayed-message exchange (what RabbitMQ needs the
/// delayed-message plugin for), with the broker's clock moved by the test: a message scheduled an hour ahead
/// and a redelivery five minutes after a failure arrive when the clock gets there, not before, and without
/// waiting. In-process only: the RabbitMQ at AMQP_URI has neither the plugin nor a clock a test moves.
/// </summary>
public sealed class MassTransitClockTests(string release) : MassTransitFixture(release)
{
    [SetUp]
    public void NeedsTheInProcessClock()
    {
        if (Broker.Clock is null)
        {
            Assert.Ignore("moves the in-process broker's clock; the RabbitMQ at AMQP_URI has no clock a test moves (nor the delayed-message plugin)");
        }
    }

    [Test]
    public async Task A_message_scheduled_an_hour_ahead_arrives_when_the_broker_clock_gets_there()
    {
        var reminders = Endpoint("reminders");
        var reminded = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = await StartBusAsync(cfg =>
        {
            cfg.UseDelayedMessageScheduler();
            cfg.ReceiveEndpoint(reminders, e => e.Handler<SendReminder>(context =>
            {
                reminded.TrySetResult(context.Message.OrderId);
                return Task.CompletedTask;
            }));
        });

        var orderId = Guid.NewGuid();
        await bus.CreateDelayedMessageScheduler().ScheduleSend(new Uri($"queue:{reminders}"), TimeSpan.FromHours(1), new SendReminder(orderId));

        Broker.Clock!.Advance(TimeSpan.FromMinutes(59));
        Assert.That(await Completes(reminded.Task, TimeSpan.FromMilliseconds(300)), Is.False, "held by the broker for the hour");
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await reminded.Task.WaitAsync(Timeout), Is.EqualTo(orderId));
    }

    [Test]
    public async Task A_failed_message_is_redelivered_after_the_delay_on_the_broker_clock()
    {
        var payments = Endpoint("redeliver");
        var attempts = 0;
        var charged = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = await StartBusAsync(cfg =>
        {
            cfg.UseDelayedMessageScheduler();
            cfg.ReceiveEndpoint(payments, e =>
            {
                e.UseDelayedRedelivery(r => r.Intervals(TimeSpan.FromMinutes(5)));
                e.Handler<ChargeCard>(context =>
                {
                    if (Interlocked.Increment(ref attempts) == 1)
                    {
                        firstFailed.TrySetResult();
                        throw new InvalidOperationException("payment provider down");
                    }

                    charged.TrySetResult(context.Message.OrderId);
                    return Task.CompletedTask;
                });
            });
        });

        var orderId = Guid.NewGuid();
        await (await bus.GetSendEndpoint(new Uri($"queue:{payments}"))).Send(new ChargeCard(orderId));
        await firstFailed.Task.WaitAsync(Timeout);
        await WaitUntilAckedAsync(payments);

        Broker.Clock!.Advance(TimeSpan.FromMinutes(4));
        Assert.That(await Completes(charged.Task, TimeSpan.FromMilliseconds(300)), Is.False, "not redelivered before the five minutes");
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await charged.Task.WaitAsync(Timeout), Is.EqualTo(orderId));
        Assert.That(attempts, Is.EqualTo(2));
    }

    private static async Task<bool> Completes(Task task, TimeSpan within) => await Task.WhenAny(task, Task.Delay(within)) == task;

    /// <summary>
    /// MassTransit acks the failed delivery once the broker confirmed its redelivery to the delayed exchange: from
    /// then on the broker holds it, and the clock may move.
    /// </summary>
    private async Task WaitUntilAckedAsync(string queue)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (Broker.Host!.Recorder.Acked(queue).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(Broker.Host.Recorder.Acked(queue), Has.Count.EqualTo(1));
    }
}
