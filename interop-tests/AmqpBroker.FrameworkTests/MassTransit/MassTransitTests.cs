using System.Text;
using AmqpBroker.FrameworkTests.Support;
using MassTransit;

namespace AmqpBroker.FrameworkTests.MassTransit;

/// <summary>
/// MassTransit 8.5's RabbitMQ transport, unchanged, against the broker: the topology it declares (an exchange per
/// message type bound to an exchange per endpoint, bound to its queue), publish and send with publisher confirms,
/// request/response over the bus's temporary endpoint, retries ending in the <c>_error</c> queue with MassTransit's
/// fault headers, messages no consumer takes moved to <c>_skipped</c>, and prefetch with concurrent consumers.
/// </summary>
public sealed class MassTransitTests(string release) : MassTransitFixture(release)
{
    [Test]
    public async Task A_published_event_reaches_every_subscribed_endpoint_once()
    {
        var (billing, shipping) = (Endpoint("billing"), Endpoint("shipping"));
        using var received = new HandledTally<(string Endpoint, Guid OrderId)>(2);
        var bus = await StartBusAsync(cfg =>
        {
            foreach (var endpoint in new[] { billing, shipping })
            {
                cfg.ReceiveEndpoint(endpoint, e => e.Handler<OrderSubmitted>(context =>
                {
                    received.Add((endpoint, context.Message.OrderId));
                    return Task.CompletedTask;
                }));
            }
        });

        var orderId = Guid.NewGuid();
        await bus.Publish(new OrderSubmitted(orderId));

        Assert.That(received.Wait(Timeout), Is.True, "both endpoints consumed the event");
        Assert.That(received.Counts, Is.EquivalentTo(new Dictionary<(string, Guid), int> { [(billing, orderId)] = 1, [(shipping, orderId)] = 1 }));
    }

    [Test]
    public async Task A_command_sent_to_a_queue_address_is_consumed_there()
    {
        var shipping = Endpoint("ship");
        var shipped = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = await StartBusAsync(cfg => cfg.ReceiveEndpoint(shipping, e => e.Handler<ShipOrder>(context =>
        {
            shipped.TrySetResult(context.Message.OrderId);
            return Task.CompletedTask;
        })));

        var orderId = Guid.NewGuid();
        var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{shipping}"));
        await endpoint.Send(new ShipOrder(orderId));

        Assert.That(await shipped.Task.WaitAsync(Timeout), Is.EqualTo(orderId));
    }

    [Test]
    public async Task A_request_gets_its_response_through_the_bus_temporary_endpoint()
    {
        var orders = Endpoint("orders");
        var bus = await StartBusAsync(cfg => cfg.ReceiveEndpoint(orders, e => e.Handler<CheckOrder>(context =>
            context.RespondAsync(new OrderStatus(context.Message.OrderId, "shipped")))));

        var client = bus.CreateRequestClient<CheckOrder>(new Uri($"queue:{orders}"), RequestTimeout.After(s: 10));
        var orderId = Guid.NewGuid();
        var response = await client.GetResponse<OrderStatus>(new CheckOrder(orderId));

        Assert.That(response.Message, Is.EqualTo(new OrderStatus(orderId, "shipped")));
    }

    [Test]
    public async Task A_consumer_that_keeps_failing_is_retried_and_the_message_moves_to_the_error_queue()
    {
        var payments = Endpoint("payments");
        var attempts = 0;
        var bus = await StartBusAsync(cfg => cfg.ReceiveEndpoint(payments, e =>
        {
            e.UseMessageRetry(r => r.Immediate(2));
            e.Handler<ChargeCard>(_ =>
            {
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException("card declined");
            });
        }));

        var orderId = Guid.NewGuid();
        await (await bus.GetSendEndpoint(new Uri($"queue:{payments}"))).Send(new ChargeCard(orderId));

        var faulted = await GetEventuallyAsync($"{payments}_error");
        Assert.That(faulted, Is.Not.Null, "the message reached the error queue");
        Assert.That(attempts, Is.EqualTo(3), "the first attempt and two immediate retries");
        var headers = faulted!.BasicProperties.Headers!;
        Assert.That(Encoding.UTF8.GetString((byte[])headers["MT-Fault-ExceptionType"]!), Is.EqualTo(typeof(InvalidOperationException).FullName));
        Assert.That(Encoding.UTF8.GetString((byte[])headers["MT-Fault-Message"]!), Is.EqualTo("card declined"));
        Assert.That(Encoding.UTF8.GetString(faulted.Body.Span), Does.Contain(orderId.ToString()));
        Assert.That(await ReadyCountAsync(payments), Is.Zero);
    }

    [Test]
    public async Task A_message_no_consumer_of_the_endpoint_takes_moves_to_the_skipped_queue()
    {
        var shipping = Endpoint("skip");
        var bus = await StartBusAsync(cfg => cfg.ReceiveEndpoint(shipping, e => e.Handler<ShipOrder>(_ => Task.CompletedTask)));

        var orderId = Guid.NewGuid();
        await (await bus.GetSendEndpoint(new Uri($"queue:{shipping}"))).Send(new CheckOrder(orderId));

        var skipped = await GetEventuallyAsync($"{shipping}_skipped");
        Assert.That(skipped, Is.Not.Null);
        Assert.That(Encoding.UTF8.GetString(skipped!.Body.Span), Does.Contain(orderId.ToString()));
    }

    [Test]
    public async Task Concurrent_consumers_with_a_prefetch_take_every_message_exactly_once()
    {
        const int Count = 500;
        var events = Endpoint("events");
        using var seen = new HandledTally<int>(Count);
        var bus = await StartBusAsync(cfg => cfg.ReceiveEndpoint(events, e =>
        {
            e.PrefetchCount = 32;
            e.ConcurrentMessageLimit = 8;
            e.Handler<CountedEvent>(context =>
            {
                seen.Add(context.Message.Number);
                return Task.CompletedTask;
            });
        }));

        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => bus.Publish(new CountedEvent(i))));

        Assert.That(seen.Wait(Timeout), Is.True, $"{Count - seen.Remaining} of {Count} consumed");
        Assert.That(seen.Counts.Keys, Is.EquivalentTo(Enumerable.Range(0, Count)));
        Assert.That(seen.Counts.Values, Is.All.EqualTo(1));
    }
}
