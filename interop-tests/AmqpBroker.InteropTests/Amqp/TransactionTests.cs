namespace AmqpBroker.InteropTests.Amqp;

/// <summary>tx.select/commit/rollback: publishes and acks take effect on commit, rollback drops publishes and keeps acked deliveries unacked.</summary>
public sealed class TransactionTests : BrokerTestBase
{
    [Test]
    public async Task Publishes_are_invisible_until_commit()
    {
        var (tx, observer, queue) = await SetUpAsync();
        await tx.TxSelectAsync();

        await PublishAsync(tx, queue, "1", "2");
        await Task.Delay(QuietPeriod);
        Assert.That(await observer.MessageCountAsync(queue), Is.Zero, "nothing before commit");

        await tx.TxCommitAsync();

        Assert.That(await observer.MessageCountAsync(queue), Is.EqualTo(2u), "tx.commit-ok comes after the messages are enqueued");
        Assert.That(await DrainAsync(observer, queue), Is.EqualTo(Texts("1", "2")));
    }

    [Test]
    public async Task Rollback_drops_the_publishes()
    {
        var (tx, observer, queue) = await SetUpAsync();
        await tx.TxSelectAsync();
        await PublishAsync(tx, queue, "dropped");

        await tx.TxRollbackAsync();
        await tx.TxCommitAsync();

        await Task.Delay(QuietPeriod);
        Assert.That(await observer.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task The_channel_stays_transactional_after_commit_and_rollback()
    {
        var (tx, observer, queue) = await SetUpAsync();
        await tx.TxSelectAsync();
        await PublishAsync(tx, queue, "1");
        await tx.TxCommitAsync();
        await PublishAsync(tx, queue, "rolled back");
        await tx.TxRollbackAsync();

        await PublishAsync(tx, queue, "2");
        await Task.Delay(QuietPeriod);
        Assert.That(await observer.MessageCountAsync(queue), Is.EqualTo(1u));

        await tx.TxCommitAsync();
        Assert.That(await DrainAsync(observer, queue), Is.EqualTo(Texts("1", "2")));
    }

    [Test]
    public async Task Uncommitted_publishes_are_dropped_when_the_channel_closes()
    {
        var (tx, observer, queue) = await SetUpAsync();
        await tx.TxSelectAsync();
        await PublishAsync(tx, queue, "never");

        await tx.CloseAsync();

        await Task.Delay(QuietPeriod);
        Assert.That(await observer.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task Empty_commit_and_rollback_are_accepted()
    {
        var channel = await OpenChannelAsync();
        await channel.TxSelectAsync();
        await channel.TxSelectAsync();

        await channel.TxCommitAsync();
        await channel.TxRollbackAsync();

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Acks_take_effect_only_on_commit()
    {
        var (tx, observer, queue) = await SetUpAsync();
        await PublishAsync(observer, queue, "1", "2");
        await tx.TxSelectAsync();
        var first = await GetEventuallyAsync(tx, queue, autoAck: false);
        await GetEventuallyAsync(tx, queue, autoAck: false);

        await tx.BasicAckAsync(first.DeliveryTag, multiple: false);
        await tx.TxCommitAsync();

        await tx.CloseAsync();
        Assert.That(await EventuallyAsync(async () => await observer.MessageCountAsync(queue) == 1), Is.True);
        await Task.Delay(QuietPeriod);
        Assert.That(await DrainAsync(observer, queue), Is.EqualTo(Texts("2")), "only the unacked '2' is requeued");
    }

    [Test]
    public async Task Uncommitted_acks_are_void_when_the_channel_closes()
    {
        var (tx, observer, queue) = await SetUpAsync();
        await PublishAsync(observer, queue, "1", "2");
        await tx.TxSelectAsync();
        await GetEventuallyAsync(tx, queue, autoAck: false);
        await GetEventuallyAsync(tx, queue, autoAck: false);

        await tx.BasicAckAsync(0, multiple: true);
        await tx.CloseAsync();

        Assert.That(await EventuallyAsync(async () => await observer.MessageCountAsync(queue) == 2), Is.True);
        Assert.That(await DrainAsync(observer, queue), Is.EqualTo(Texts("1", "2")));
    }

    [Test]
    public async Task Rolled_back_acks_leave_the_deliveries_unacked_not_requeued()
    {
        var (tx, observer, queue) = await SetUpAsync();
        await PublishAsync(observer, queue, "1", "2");
        await tx.TxSelectAsync();
        var first = await GetEventuallyAsync(tx, queue, autoAck: false);
        var second = await GetEventuallyAsync(tx, queue, autoAck: false);
        await tx.BasicAckAsync(second.DeliveryTag, multiple: true);

        await tx.TxRollbackAsync();

        await Task.Delay(QuietPeriod);
        Assert.That(await observer.MessageCountAsync(queue), Is.Zero, "not requeued by the rollback");

        // The tags are valid again: ack '1' for real; '2' stays unacked and is requeued on close.
        await tx.BasicAckAsync(first.DeliveryTag, multiple: false);
        await tx.TxCommitAsync();
        Assert.That(tx.IsOpen, Is.True);
        await tx.CloseAsync();
        Assert.That(await EventuallyAsync(async () => await observer.MessageCountAsync(queue) == 1), Is.True);
        var requeued = await GetEventuallyAsync(observer, queue, autoAck: true);
        Assert.That((Text(requeued.Body), requeued.Redelivered), Is.EqualTo(("2", true)));
    }

    [Test]
    public async Task Requeueing_rejects_and_nacks_take_effect_on_commit()
    {
        var (tx, observer, queue) = await SetUpAsync();
        await PublishAsync(observer, queue, "1", "2", "3");
        await tx.TxSelectAsync();
        var got = new[]
        {
            await GetEventuallyAsync(tx, queue, autoAck: false),
            await GetEventuallyAsync(tx, queue, autoAck: false),
            await GetEventuallyAsync(tx, queue, autoAck: false),
        };

        await tx.BasicRejectAsync(got[0].DeliveryTag, requeue: true);
        await tx.BasicNackAsync(got[1].DeliveryTag, multiple: false, requeue: true);
        await tx.BasicRejectAsync(got[2].DeliveryTag, requeue: false);
        await Task.Delay(QuietPeriod);
        Assert.That(await observer.MessageCountAsync(queue), Is.Zero, "nothing requeued before commit");

        await tx.TxCommitAsync();

        Assert.That(await EventuallyAsync(async () => await observer.MessageCountAsync(queue) == 2), Is.True);
        Assert.That(await DrainAsync(observer, queue), Is.EqualTo(Texts("1", "2")), "'3' was rejected without requeue");
    }

    [Test]
    public async Task A_second_ack_of_the_same_tag_inside_a_transaction_fails_at_once()
    {
        var (tx, observer, queue) = await SetUpAsync();
        await PublishAsync(observer, queue, "1");
        await tx.TxSelectAsync();
        var got = await GetEventuallyAsync(tx, queue, autoAck: false);
        var watch = WatchClose(tx);

        await tx.BasicAckAsync(got.DeliveryTag, multiple: false);
        await tx.BasicAckAsync(got.DeliveryTag, multiple: false);

        await ExpectClosedAsync(watch, 406, "PRECONDITION_FAILED - unknown delivery tag 1");

        Assert.That(await EventuallyAsync(async () => await observer.MessageCountAsync(queue) == 1), Is.True, "the uncommitted ack is void");
    }

    [Test]
    public async Task A_mandatory_unroutable_publish_is_returned_at_commit()
    {
        var channel = await OpenChannelAsync();
        var returned = new TaskCompletionSource<ushort>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.BasicReturnAsync += (_, args) =>
        {
            returned.TrySetResult(args.ReplyCode);
            return Task.CompletedTask;
        };
        await channel.TxSelectAsync();

        await channel.BasicPublishAsync(string.Empty, UniqueName("nowhere"), mandatory: true, "lost"u8.ToArray());
        await Task.Delay(QuietPeriod);
        Assert.That(returned.Task.IsCompleted, Is.False, "no basic.return before commit");

        await channel.TxCommitAsync();

        Assert.That(await returned.Task.WaitAsync(Timeout), Is.EqualTo((ushort)312));
    }

    [Test]
    public async Task A_publish_to_a_missing_exchange_fails_at_once_not_at_commit()
    {
        var channel = await OpenChannelAsync();
        await channel.TxSelectAsync();
        var exchange = UniqueName("missing");
        var watch = WatchClose(channel);

        await channel.BasicPublishAsync(exchange, "rk", "x"u8.ToArray());

        var reason = await ExpectClosedAsync(watch, 404, $"NOT_FOUND - no exchange '{exchange}' in vhost '/'");
        Assert.That(reason.MethodId, Is.EqualTo((ushort)40), "basic.publish, not tx.commit");
    }

    [Test]
    public async Task A_commit_with_a_publish_refused_by_a_full_queue_is_PRECONDITION_FAILED_partial_tx_completion()
    {
        var (tx, observer, _) = await SetUpAsync();
        var queue = Track(UniqueName("bounded"));
        await observer.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-max-length"] = 1,
            ["x-overflow"] = "reject-publish",
        });
        await tx.TxSelectAsync();
        await PublishAsync(tx, queue, "fits", "refused");

        var reason = await ExpectClosedAsync(() => tx.TxCommitAsync(), 406, "PRECONDITION_FAILED - partial tx completion");
        AssertFailedMethod(reason, 90, 20);

        Assert.That(await observer.MessageCountAsync(queue), Is.EqualTo(1u), "what fitted was enqueued");
    }

    [Test]
    public async Task Tx_commit_without_tx_select_is_PRECONDITION_FAILED()
    {
        var channel = await OpenChannelAsync();

        var reason = await ExpectClosedAsync(() => channel.TxCommitAsync(), 406, "PRECONDITION_FAILED - channel is not transactional");
        AssertFailedMethod(reason, 90, 20);
    }

    [Test]
    public async Task Tx_rollback_without_tx_select_is_PRECONDITION_FAILED()
    {
        var channel = await OpenChannelAsync();

        var reason = await ExpectClosedAsync(() => channel.TxRollbackAsync(), 406, "PRECONDITION_FAILED - channel is not transactional");
        AssertFailedMethod(reason, 90, 30);
    }

    /// <summary>A channel for the transaction and an observer channel on another connection, and a fresh queue.</summary>
    private async Task<(IChannel Tx, IChannel Observer, string Queue)> SetUpAsync()
    {
        var tx = await OpenChannelAsync();
        var observer = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(observer);
        return (tx, observer, queue);
    }
}
