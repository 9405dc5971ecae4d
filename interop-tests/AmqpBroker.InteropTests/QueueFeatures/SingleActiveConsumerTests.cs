namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Single active consumer (x-single-active-consumer = true): only the earliest registered consumer
/// receives, even when it is out of credit; when it cancels or its channel closes, the next one in
/// registration order takes over, including the messages the old one left unacked.
/// </summary>
public sealed class SingleActiveConsumerTests : BrokerTestBase
{
    [Test]
    public async Task Only_the_first_consumer_receives()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (first, _, _) = await ConsumeOnNewChannelAsync(connection, queue);
        var (second, _, _) = await ConsumeOnNewChannelAsync(connection, queue);

        await PublishAsync(setup, queue, "m1", "m2", "m3", "m4");

        Assert.That((await first.TakeAsync(4, Timeout)).Select(d => d.Text), Is.EqualTo(new List<string> { "m1", "m2", "m3", "m4" }));
        Assert.That(await second.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task The_active_consumer_keeps_its_turn_when_out_of_credit()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (first, _, _) = await ConsumeOnNewChannelAsync(connection, queue, prefetch: 1);
        var (second, _, _) = await ConsumeOnNewChannelAsync(connection, queue);

        await PublishAsync(setup, queue, "m1", "m2", "m3");

        Assert.That((await first.NextAsync(Timeout)).Text, Is.EqualTo("m1"));
        Assert.That(await second.AnyWithinAsync(QuietPeriod), Is.False, "unlike plain round-robin, a full active consumer does not pass messages on");
        Assert.That(await setup.MessageCountAsync(queue), Is.EqualTo(2));
    }

    [Test]
    public async Task The_next_consumer_takes_over_when_the_active_one_cancels()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (first, firstChannel, firstTag) = await ConsumeOnNewChannelAsync(connection, queue);
        var (second, _, _) = await ConsumeOnNewChannelAsync(connection, queue);
        var (third, _, _) = await ConsumeOnNewChannelAsync(connection, queue);
        await PublishAsync(setup, queue, "m1");
        var delivery = await first.NextAsync(Timeout);
        await firstChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);

        await firstChannel.BasicCancelAsync(firstTag);
        await PublishAsync(setup, queue, "m2", "m3");

        Assert.That((await second.TakeAsync(2, Timeout)).Select(d => d.Text), Is.EqualTo(new List<string> { "m2", "m3" }));
        Assert.That(await third.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task The_next_consumer_takes_over_when_the_active_ones_channel_closes_and_gets_its_unacked_messages()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (first, firstChannel, _) = await ConsumeOnNewChannelAsync(connection, queue);
        var (second, _, _) = await ConsumeOnNewChannelAsync(connection, queue);
        await PublishAsync(setup, queue, "m1", "m2");
        await first.TakeAsync(2, Timeout);

        await firstChannel.CloseAsync();
        await PublishAsync(setup, queue, "m3");

        var taken = await second.TakeAsync(3, Timeout);
        Assert.That(taken.Select(d => (d.Text, d.Redelivered)), Is.EqualTo(new List<(string, bool)> { ("m1", true), ("m2", true), ("m3", false) }));
    }

    [Test]
    public async Task On_takeover_the_returned_messages_come_before_the_ones_still_ready()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (first, firstChannel, _) = await ConsumeOnNewChannelAsync(connection, queue, prefetch: 1);
        var (second, _, _) = await ConsumeOnNewChannelAsync(connection, queue);
        await PublishAsync(setup, queue, "m1", "m2");
        Assert.That((await first.NextAsync(Timeout)).Text, Is.EqualTo("m1"));

        await firstChannel.CloseAsync();

        var taken = await second.TakeAsync(2, Timeout);
        Assert.That(taken.Select(d => (d.Text, d.Redelivered)), Is.EqualTo(new List<(string, bool)> { ("m1", true), ("m2", false) }));
    }

    [Test]
    public async Task The_next_consumer_takes_over_when_the_active_ones_connection_closes()
    {
        var setupConnection = await ConnectAsync();
        var setup = await setupConnection.CreateChannelAsync(ConfirmOptions);
        var queue = await DeclareSingleActiveAsync(setup);
        var firstConnection = await ConnectAsync();
        var (first, _, _) = await ConsumeOnNewChannelAsync(firstConnection, queue);
        var (second, _, _) = await ConsumeOnNewChannelAsync(setupConnection, queue);
        await PublishAsync(setup, queue, "m1");
        await first.NextAsync(Timeout);

        await firstConnection.CloseAsync();

        var redelivered = await second.NextAsync(Timeout);
        Assert.That((redelivered.Text, redelivered.Redelivered), Is.EqualTo(("m1", true)));
    }

    [Test]
    public async Task A_consumer_that_arrives_later_waits_its_turn()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (first, firstChannel, firstTag) = await ConsumeOnNewChannelAsync(connection, queue);
        await PublishAsync(setup, queue, "m1");
        await first.NextAsync(Timeout);
        var (late, _, _) = await ConsumeOnNewChannelAsync(connection, queue);

        await PublishAsync(setup, queue, "m2");
        Assert.That((await first.NextAsync(Timeout)).Text, Is.EqualTo("m2"));
        Assert.That(await late.AnyWithinAsync(QuietPeriod), Is.False);

        await firstChannel.BasicCancelAsync(firstTag);
        await PublishAsync(setup, queue, "m3");
        Assert.That((await late.NextAsync(Timeout)).Text, Is.EqualTo("m3"));
    }

    [Test]
    public async Task Without_the_argument_consumers_share_round_robin()
    {
        var connection = await ConnectAsync();
        var setup = await connection.CreateChannelAsync(ConfirmOptions);
        var queue = await DeclareQueueAsync(setup, Args(("x-single-active-consumer", false)));
        var (first, _, _) = await ConsumeOnNewChannelAsync(connection, queue);
        var (second, _, _) = await ConsumeOnNewChannelAsync(connection, queue);

        await PublishAsync(setup, queue, "m1", "m2");

        Assert.That((await first.NextAsync(Timeout)).Text, Is.EqualTo("m1"));
        Assert.That((await second.NextAsync(Timeout)).Text, Is.EqualTo("m2"));
    }

    [TestCase("yes", "longstr")]
    [TestCase(1, "signedint")]
    public async Task A_non_boolean_value_is_refused_with_406(object value, string type)
    {
        var channel = await OpenChannelAsync();
        var name = Track(UniqueName());

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(name, false, false, false, new Dictionary<string, object?> { ["x-single-active-consumer"] = value }), 406, $"PRECONDITION_FAILED - invalid arg 'x-single-active-consumer' for queue '{name}' in vhost '/': {{unacceptable_type,{type}}}");
    }

    private async Task<string> DeclareSingleActiveAsync(IChannel channel) => await DeclareQueueAsync(channel, Args(("x-single-active-consumer", true)));

    /// <summary>A connection for the consumers' channels, a confirm-mode channel on it to publish with, and a single-active-consumer queue.</summary>
    private async Task<(IConnection Connection, IChannel Setup, string Queue)> SetUpAsync()
    {
        var connection = await ConnectAsync();
        var setup = await connection.CreateChannelAsync(ConfirmOptions);
        return (connection, setup, await DeclareSingleActiveAsync(setup));
    }
}
