using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace AmqpBroker.InteropTests.Amqp;

/// <summary>Publisher confirms (confirm.select, basic.ack/nack to the publisher) and their interplay with tx and mandatory.</summary>
public sealed class ConfirmTests : BrokerTestBase
{
    private static readonly CreateChannelOptions Untracked = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false);
    private static readonly CreateChannelOptions Tracked = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    [Test]
    public async Task Every_publish_is_acked_with_delivery_tags_counting_from_one()
    {
        var channel = await OpenChannelAsync(Untracked);
        var acks = RecordAcks(channel);
        var queue = await DeclareQueueAsync(channel);
        Assert.That(await channel.GetNextPublishSequenceNumberAsync(), Is.EqualTo(1ul));

        await PublishAsync(channel, queue, "1", "2", "3");

        Assert.That(await EventuallyAsync(() => Task.FromResult(acks.AckedTags().Count == 3)), Is.True, "all 3 acked");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(acks.AckedTags(), Is.EquivalentTo(new ulong[] { 1, 2, 3 }));
            Assert.That(acks.Nacks, Is.Empty);
            Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(3u));
        }
    }

    [Test]
    public async Task Delivery_tags_are_counted_per_channel()
    {
        var connection = await ConnectAsync();
        var one = await connection.CreateChannelAsync(Untracked);
        var two = await connection.CreateChannelAsync(Untracked);
        var acksOne = RecordAcks(one);
        var acksTwo = RecordAcks(two);
        var queue = await DeclareQueueAsync(one);

        await PublishAsync(one, queue, "a", "b");
        await PublishAsync(two, queue, "c");

        Assert.That(await EventuallyAsync(() => Task.FromResult(acksOne.AckedTags().Count == 2 && acksTwo.AckedTags().Count == 1)), Is.True);
        Assert.That(acksOne.AckedTags(), Is.EquivalentTo(new ulong[] { 1, 2 }));
        Assert.That(acksTwo.AckedTags(), Is.EquivalentTo(new ulong[] { 1 }));
    }

    [Test]
    public async Task A_burst_of_publishes_is_fully_acked_possibly_with_multiple_acks()
    {
        const int count = 500;
        var channel = await OpenChannelAsync(Untracked);
        var acks = RecordAcks(channel);
        var queue = await DeclareQueueAsync(channel);
        var body = new byte[100];

        for (var i = 0; i < count; i++)
        {
            await channel.BasicPublishAsync(string.Empty, queue, body);
        }

        Assert.That(await EventuallyAsync(() => Task.FromResult(acks.AckedTags().Count == count)), Is.True, $"acked {acks.AckedTags().Count} of {count}");
        await Task.Delay(QuietPeriod);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(acks.AckedTags(), Is.EquivalentTo(Enumerable.Range(1, count).Select(i => (ulong)i)), "the union of acked tags is every tag");
            Assert.That(acks.DuplicateTags, Is.Empty, "no tag is confirmed twice");
            Assert.That(acks.Nacks, Is.Empty);
        }

        TestContext.Out.WriteLine($"{acks.Acks.Count} basic.ack frames, {acks.Acks.Count(a => a.Multiple)} with multiple=true");
    }

    [Test]
    public async Task A_publish_routed_to_several_queues_is_acked_once()
    {
        var channel = await OpenChannelAsync(Untracked);
        var acks = RecordAcks(channel);
        var exchange = await DeclareExchangeAsync(channel, ExchangeType.Fanout, durable: false, autoDelete: false, what: "fanout");
        var q1 = await DeclareQueueAsync(channel, "a");
        var q2 = await DeclareQueueAsync(channel, "b");
        await channel.QueueBindAsync(q1, exchange, string.Empty);
        await channel.QueueBindAsync(q2, exchange, string.Empty);

        await channel.BasicPublishAsync(exchange, string.Empty, "both"u8.ToArray());

        Assert.That(await EventuallyAsync(() => Task.FromResult(acks.Acks.Count == 1)), Is.True);
        await Task.Delay(QuietPeriod);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(acks.Acks, Is.EqualTo(new[] { (1ul, false) }));
            Assert.That(await channel.MessageCountAsync(q1), Is.EqualTo(1u));
            Assert.That(await channel.MessageCountAsync(q2), Is.EqualTo(1u));
        }
    }

    [Test]
    public async Task Tracked_publishes_complete_once_confirmed()
    {
        var channel = await OpenChannelAsync(Tracked);
        var queue = await DeclareQueueAsync(channel);

        for (var i = 0; i < 10; i++)
        {
            await channel.BasicPublishAsync(string.Empty, queue, BitConverter.GetBytes(i)).AsTask().WaitAsync(Timeout);
        }

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(10u));
        Assert.That(await channel.GetNextPublishSequenceNumberAsync(), Is.EqualTo(11ul));
    }

    [Test]
    public async Task An_unroutable_publish_without_mandatory_is_acked()
    {
        var channel = await OpenChannelAsync(Untracked);
        var acks = RecordAcks(channel);

        await channel.BasicPublishAsync(string.Empty, UniqueName("nowhere"), "dropped"u8.ToArray());

        Assert.That(await EventuallyAsync(() => Task.FromResult(acks.AckedTags().Count == 1)), Is.True);
        Assert.That(acks.Nacks, Is.Empty);

        var tracked = await OpenChannelAsync(Tracked);
        await tracked.BasicPublishAsync(string.Empty, UniqueName("nowhere"), "dropped"u8.ToArray()).AsTask().WaitAsync(Timeout);
    }

    [Test]
    public async Task An_unroutable_mandatory_publish_is_returned_then_acked()
    {
        var channel = await OpenChannelAsync(Untracked);
        var events = new ConcurrentQueue<string>();
        channel.BasicReturnAsync += (_, args) =>
        {
            events.Enqueue($"return {args.ReplyCode}");
            return Task.CompletedTask;
        };
        channel.BasicAcksAsync += (_, args) =>
        {
            events.Enqueue($"ack {args.DeliveryTag}");
            return Task.CompletedTask;
        };

        await channel.BasicPublishAsync(string.Empty, UniqueName("nowhere"), mandatory: true, "lost"u8.ToArray());

        Assert.That(await EventuallyAsync(() => Task.FromResult(events.Count == 2)), Is.True);
        Assert.That(events, Is.EqualTo(Texts("return 312", "ack 1")), "basic.return precedes basic.ack");
    }

    [Test]
    public async Task A_tracked_unroutable_mandatory_publish_throws_a_return_PublishException()
    {
        var channel = await OpenChannelAsync(Tracked);

        PublishException? caught = null;
        try
        {
            await channel.BasicPublishAsync(string.Empty, UniqueName("nowhere"), mandatory: true, "lost"u8.ToArray()).AsTask().WaitAsync(Timeout);
        }
        catch (PublishException e)
        {
            caught = e;
        }

        Assert.That(caught, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(caught!.IsReturn, Is.True);
            Assert.That(caught.PublishSequenceNumber, Is.EqualTo(1ul));
            Assert.That(channel.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task A_publish_refused_by_a_full_reject_publish_queue_is_nacked()
    {
        var channel = await OpenChannelAsync(Untracked);
        var acks = RecordAcks(channel);
        var queue = await DeclareBoundedQueueAsync(channel);

        await PublishAsync(channel, queue, "fits", "refused", "refused too");

        Assert.That(await EventuallyAsync(() => Task.FromResult(acks.AckedTags().Count + acks.NackedTags().Count == 3)), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(acks.AckedTags(), Is.EquivalentTo(new ulong[] { 1 }));
            Assert.That(acks.NackedTags(), Is.EquivalentTo(new ulong[] { 2, 3 }));
            Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
        }

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(got is null ? null : Text(got.Body), Is.EqualTo("fits"));
    }

    [Test]
    public async Task A_tracked_publish_refused_by_a_full_queue_throws_a_nack_PublishException()
    {
        var channel = await OpenChannelAsync(Tracked);
        var queue = await DeclareBoundedQueueAsync(channel);
        await channel.BasicPublishAsync(string.Empty, queue, "fits"u8.ToArray()).AsTask().WaitAsync(Timeout);

        PublishException? caught = null;
        try
        {
            await channel.BasicPublishAsync(string.Empty, queue, "refused"u8.ToArray()).AsTask().WaitAsync(Timeout);
        }
        catch (PublishException e)
        {
            caught = e;
        }

        Assert.That(caught, Is.Not.Null, "the second publish must be nacked");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(caught!.IsReturn, Is.False);
            Assert.That(caught.PublishSequenceNumber, Is.EqualTo(2ul));
            Assert.That(channel.IsOpen, Is.True);
        }

        await channel.QueuePurgeAsync(queue);
        await channel.BasicPublishAsync(string.Empty, queue, "fits again"u8.ToArray()).AsTask().WaitAsync(Timeout);
    }

    [Test]
    public async Task Tx_select_on_a_confirm_channel_is_PRECONDITION_FAILED()
    {
        var channel = await OpenChannelAsync(Untracked);

        var reason = await ExpectClosedAsync(() => channel.TxSelectAsync(), 406, "PRECONDITION_FAILED - cannot switch from confirm to tx mode");
        AssertFailedMethod(reason, 90, 10);
    }

    [Test]
    public async Task Confirm_select_on_a_transactional_channel_is_PRECONDITION_FAILED()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);
        await raw.SendMethodAsync(1, 90, 10);
        await raw.ExpectMethodAsync(1, 90, 11);

        await raw.SendMethodAsync(1, 85, 10, w => w.Octet(0));
        var close = await raw.ExpectChannelCloseAsync(1);

        AssertClose(close, 406, "PRECONDITION_FAILED - cannot switch from tx to confirm mode");

        AssertFailedMethod(close, 85, 10);
    }

    [Test]
    public async Task Confirm_select_twice_and_with_nowait_is_accepted()
    {
        var setup = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(setup);
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);
        await raw.SendMethodAsync(1, 85, 10, w => w.Octet(0));
        await raw.ExpectMethodAsync(1, 85, 11);
        await raw.SendMethodAsync(1, 85, 10, w => w.Octet(0));
        await raw.ExpectMethodAsync(1, 85, 11);
        await raw.SendMethodAsync(1, 85, 10, w => w.Octet(1));

        await raw.PublishAsync(1, string.Empty, queue, "x"u8.ToArray());

        var ack = await raw.ExpectMethodAsync(1, 60, 80);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(BinaryPrimitives.ReadUInt64BigEndian(ack.Args), Is.EqualTo(1ul), "nothing but basic.ack 1 follows the nowait select");
            Assert.That(ack.Args[8] & 1, Is.Zero, "multiple");
        }
    }

    /// <summary>x-max-length=1 with x-overflow=reject-publish.</summary>
    private async Task<string> DeclareBoundedQueueAsync(IChannel channel)
    {
        var queue = Track(UniqueName("bounded"));
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-max-length"] = 1,
            ["x-overflow"] = "reject-publish",
        });
        return queue;
    }

    private static ConfirmLog RecordAcks(IChannel channel)
    {
        var log = new ConfirmLog();
        channel.BasicAcksAsync += (_, args) =>
        {
            log.Add(args.DeliveryTag, args.Multiple, ack: true);
            return Task.CompletedTask;
        };
        channel.BasicNacksAsync += (_, args) =>
        {
            log.Add(args.DeliveryTag, args.Multiple, ack: false);
            return Task.CompletedTask;
        };
        return log;
    }

    /// <summary>basic.ack/nack frames as received, and the delivery tags they settle (expanding multiple=true).</summary>
    private sealed class ConfirmLog
    {
        private readonly Lock _lock = new();
        private readonly List<(ulong Tag, bool Multiple)> _acks = [];
        private readonly List<(ulong Tag, bool Multiple)> _nacks = [];
        private readonly HashSet<ulong> _acked = [];
        private readonly HashSet<ulong> _nacked = [];
        private readonly List<ulong> _duplicates = [];

        public List<(ulong Tag, bool Multiple)> Acks
        {
            get
            {
                lock (_lock)
                {
                    return [.. _acks];
                }
            }
        }

        public List<(ulong Tag, bool Multiple)> Nacks
        {
            get
            {
                lock (_lock)
                {
                    return [.. _nacks];
                }
            }
        }

        public List<ulong> DuplicateTags
        {
            get
            {
                lock (_lock)
                {
                    return [.. _duplicates];
                }
            }
        }

        public List<ulong> AckedTags()
        {
            lock (_lock)
            {
                return [.. _acked];
            }
        }

        public List<ulong> NackedTags()
        {
            lock (_lock)
            {
                return [.. _nacked];
            }
        }

        public void Add(ulong tag, bool multiple, bool ack)
        {
            lock (_lock)
            {
                (ack ? _acks : _nacks).Add((tag, multiple));
                var first = multiple ? 1 : tag;
                for (var t = first; t <= tag; t++)
                {
                    if (multiple && (_acked.Contains(t) || _nacked.Contains(t)))
                    {
                        continue;
                    }

                    if (!(ack ? _acked : _nacked).Add(t) || (ack ? _nacked : _acked).Contains(t))
                    {
                        _duplicates.Add(t);
                    }
                }
            }
        }
    }
}
