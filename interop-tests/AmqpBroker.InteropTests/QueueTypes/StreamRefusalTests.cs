namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// What RabbitMQ 3.10.8 refuses on a stream, with its codes and texts, checked against it: a consumer without
/// a prefetch (406) or without acks (540), an offset its parser cannot read (541); basic.get, queue.purge,
/// basic.nack and basic.reject (540). The refusals quorum queues share are QueueTypeConsumeTests'.
/// The same fixture runs in-process as RabbitMQ 4.0, whose consume refusals name the stream
/// (rabbit_stream_queue:consume at v4.0.1).
/// </summary>
[Releases("3.10", "4.0")]
public sealed class StreamRefusalTests : StreamTestBase
{
    private bool NamesStream => RabbitMQVersion != "3.10";

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_consumer_needs_a_prefetch_which_is_checked_before_the_acknowledgement_mode(bool autoAck)
    {
        var channel = await OpenChannelAsync();
        var stream = await DeclareStreamAsync(channel);

        await ExpectClosedAsync(
            () => channel.BasicConsumeAsync(stream, autoAck, new CollectingConsumer(channel)),
            406,
            NamesStream
                ? $"PRECONDITION_FAILED - consumer prefetch count is not set for stream queue '{stream}' {InDefaultVhost}"
                : $"PRECONDITION_FAILED - consumer prefetch count is not set for 'queue '{stream}' {InDefaultVhost}'");
    }

    [Test]
    public async Task Automatic_acknowledgement_closes_the_connection_with_540()
    {
        var channel = await OpenChannelAsync();
        var stream = await DeclareStreamAsync(channel);
        await channel.BasicQosAsync(0, 10, global: false);

        await ExpectClosedAsync(
            () => channel.BasicConsumeAsync(stream, autoAck: true, new CollectingConsumer(channel)),
            540,
            NamesStream
                ? $"NOT_IMPLEMENTED - automatic acknowledgement not supported by stream queue '{stream}' {InDefaultVhost}"
                : $"NOT_IMPLEMENTED - automatic acknowledgement not supported by stream queues queue '{stream}' {InDefaultVhost}");
    }

    [TestCase("basic.get")]
    [TestCase("queue.purge")]
    public async Task Get_and_purge_close_the_connection_with_540(string method)
    {
        var channel = await OpenChannelAsync();
        var stream = await DeclareStreamAsync(channel);

        await ExpectClosedAsync(
            () => method == "basic.get" ? channel.BasicGetAsync(stream, autoAck: false) : channel.QueuePurgeAsync(stream),
            540,
            $"NOT_IMPLEMENTED - {method} not supported by stream queues queue '{stream}' {InDefaultVhost}");
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Nack_and_reject_close_the_connection_with_540(bool nack)
    {
        if (RabbitMQVersion != "3.10")
        {
            Assert.Ignore("from 3.13 nack and reject settle like an ack (Stream313Tests)");
        }

        var (connection, stream) = await StreamWithAsync("a");
        var (consumer, channel, _) = await ConsumeOnNewChannelAsync(connection, stream, prefetch: 10, Args(("x-stream-offset", "first")));
        var delivery = await consumer.NextAsync(Timeout);
        var watcher = WatchClose(channel);

        await (nack ? channel.BasicNackAsync(delivery.DeliveryTag, false, requeue: true) : channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false));

        await ExpectClosedAsync(
            watcher,
            540,
            $"NOT_IMPLEMENTED - basic.nack and basic.reject not supported by stream queues queue '{stream}' {InDefaultVhost}");
    }

    [TestCase("bogus")]
    [TestCase(true)]
    public async Task An_offset_RabbitMQs_parser_cannot_read_closes_the_connection_with_541(object offset)
    {
        var connection = await ConnectAsync();
        await using var declaring = await connection.CreateChannelAsync();
        var stream = await DeclareStreamAsync(declaring);

        await ExpectClosedAsync(() => ConsumeStreamAsync(connection, stream, offset), 541, "INTERNAL_ERROR");
    }
}
