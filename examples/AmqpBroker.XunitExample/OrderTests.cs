using System.Text;
using RabbitMQ.Client;

namespace AmqpBroker.XunitExample;

/// <summary>
/// Tests of an order workflow against the shared broker: xUnit creates this class per test, so
/// <see cref="InitializeAsync"/> resets the broker to the snapshotted topology before each one and
/// <see cref="DisposeAsync"/> checks that the test left nothing behind.
/// </summary>
[Collection(OrderBrokerCollection.Name)]
public sealed class OrderTests(OrderBrokerFixture fixture) : IAsyncLifetime
{
    private IConnection _connection = null!;
    private IChannel _channel = null!;

    public async Task InitializeAsync()
    {
        await fixture.Broker.ResetAsync();
        _connection = await fixture.Connect();
        _channel = await _connection.CreateChannelAsync();
    }

    public async Task DisposeAsync()
    {
        await _connection.CloseAsync();
        await _connection.DisposeAsync();
    }

    [Fact]
    public async Task A_created_order_reaches_the_order_queue()
    {
        await Publish("order.created", "order 42");

        var got = await _channel.BasicGetAsync("orders.created", autoAck: true);

        Assert.NotNull(got);
        Assert.Equal("order 42", Encoding.UTF8.GetString(got.Body.Span));
    }

    [Fact]
    public async Task An_order_nobody_handles_for_a_day_goes_to_the_stale_queue()
    {
        await Publish("order.created", "order 7");
        await _channel.QueueDeclarePassiveAsync("orders.created");

        fixture.Clock.Advance(TimeSpan.FromDays(1));

        var stale = await _channel.BasicGetAsync("orders.stale", autoAck: true);
        Assert.NotNull(stale);
        Assert.Equal("order 7", Encoding.UTF8.GetString(stale.Body.Span));
    }

    [Fact]
    public async Task Every_test_starts_from_the_snapshot()
    {
        Assert.Equal(0u, await _channel.MessageCountAsync("orders.created"));
        Assert.Equal(0u, await _channel.MessageCountAsync("orders.stale"));

        await Publish("order.created", "left behind on purpose");
        await _channel.QueueDeclarePassiveAsync("orders.created");

        var report = fixture.Broker.GetLeakReport();
        Assert.Equal(1, report.ReadyMessages.Single().Ready);
    }

    private Task Publish(string routingKey, string body) =>
        _channel.BasicPublishAsync("orders", routingKey, Encoding.UTF8.GetBytes(body)).AsTask();
}
