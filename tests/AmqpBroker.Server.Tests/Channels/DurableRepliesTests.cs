using System.IO.Pipelines;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Channels;
using AmqpBroker.Server.Tests.TestSupport;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Tests.Channels;

[TestFixture]
public sealed class DurableRepliesTests
{
    private Pipe _pipe = null!;
    private ConnectionWriter _writer = null!;
    private Task _run = null!;
    private ManualSyncStore _store = null!;
    private DurableReplies _replies = null!;
    private List<string> _closedWith = null!;

    [SetUp]
    public void CreateWriter()
    {
        _pipe = new Pipe();
        _writer = new ConnectionWriter(_pipe.Writer);
        _run = _writer.RunAsync();
        _store = new ManualSyncStore();
        _closedWith = [];
        _replies = new DurableReplies(_writer, _store, _closedWith.Add);
    }

    [TearDown]
    public void DisposeStore() => _store.Dispose();

    [Test]
    public async Task A_reply_that_needs_no_sync_goes_out_at_once()
    {
        _replies.Send(Reply(1), afterSync: false);

        Assert.That(await WrittenChannelsAsync(), Is.EqualTo(new[] { 1 }));
        Assert.That(_store.Waiting, Is.Empty, "no sync was asked for");
    }

    [Test]
    public async Task Replies_wait_for_their_sync_and_later_ones_wait_behind_them()
    {
        _replies.Send(Reply(1), afterSync: true);
        _replies.Send(Reply(2), afterSync: false);

        Assert.That(await WrittenChannelsAsync(), Is.Empty);
    }

    [Test]
    public void Replies_count_as_held_until_their_sync_releases_them()
    {
        _replies.Send(Reply(1), afterSync: false);
        var afterUnsynced = _replies.HeldCount;
        _replies.Send(Reply(2), afterSync: true);
        _replies.Send(Reply(3), afterSync: false);
        var whileWaiting = _replies.HeldCount;

        _store.CompleteNext();

        Assert.That((afterUnsynced, whileWaiting, _replies.HeldCount), Is.EqualTo((0, 2, 0)));
    }

    [Test]
    public async Task Synced_replies_leave_in_the_order_the_channel_produced_them()
    {
        _replies.Send(Reply(1), afterSync: true);
        _replies.Send(Reply(2), afterSync: false);
        _replies.Send(Reply(3), afterSync: true);
        _store.CompleteNext();
        _replies.Send(Reply(4), afterSync: false);
        _replies.Send(Reply(5), afterSync: true);
        _store.CompleteNext();

        Assert.That(await WrittenChannelsAsync(), Is.EqualTo(new[] { 1, 2, 3, 4 }), "5 still waits for its sync");
    }

    [Test]
    public async Task After_close_held_and_new_replies_are_dropped()
    {
        _replies.Send(Reply(1), afterSync: true);
        _replies.Close();
        _store.CompleteNext();
        _replies.Send(Reply(2), afterSync: false);

        Assert.That(await WrittenChannelsAsync(), Is.Empty);
    }

    [Test]
    public async Task A_failed_sync_turns_the_confirms_it_covered_into_nacks_and_closes_the_connection_over_a_commit()
    {
        _replies.Send(new OutgoingFrame(OutgoingKind.PublisherAck, 1, DeliveryTag: 1), afterSync: true);
        _replies.Send(new OutgoingFrame(OutgoingKind.PublisherAck, 1, DeliveryTag: 2), afterSync: false);
        _replies.Send(new OutgoingFrame(OutgoingKind.PublisherNack, 1, DeliveryTag: 3), afterSync: true);
        _replies.Send(Reply(2), afterSync: true);
        _store.FailNext();
        _store.FailNext();
        _store.FailNext();

        var frames = await WrittenFramesAsync();

        Assert.That(frames.Select(f => (f.Channel, CommandInfo.GetName(f.CommandId))), Is.EqualTo(new[]
        {
            ((ushort)1, CommandInfo.GetName(BasicNack.CommandId)),
            ((ushort)1, CommandInfo.GetName(BasicAck.CommandId)),
            ((ushort)1, CommandInfo.GetName(BasicNack.CommandId)),
        }), "the synced ack became a nack; the ack that needed no sync and the nack went out as they were; no commit-ok");
        Assert.That(frames.Select(f => f.IsMethod<BasicNack>() ? f.Read<BasicNack>().DeliveryTag : f.Read<BasicAck>().DeliveryTag), Is.EqualTo(new ulong[] { 1, 2, 3 }));
        Assert.That(_closedWith, Has.Count.EqualTo(1).And.Some.Contains("tx.commit"));
    }

    /// <summary>Each reply goes on its own channel number, which identifies it in what was written.</summary>
    private static OutgoingFrame Reply(ushort channel) =>
        new(OutgoingKind.Encoded, channel, Encoded: ConnectionWriter.Encode(channel, new TxCommitOk()));

    private async Task<int[]> WrittenChannelsAsync() => [.. (await WrittenFramesAsync()).Select(f => (int)f.Channel)];

    private async Task<List<ReceivedFrame>> WrittenFramesAsync()
    {
        _writer.Complete();
        await _run.WaitAsync(TestClient.Deadline);
        await _pipe.Writer.CompleteAsync();
        return await WrittenFrames.ReadAllAsync(_pipe.Reader).WaitAsync(TestClient.Deadline);
    }

    /// <summary>A store whose syncs complete only when the test says so, in the order they were asked for.</summary>
    private sealed class ManualSyncStore : IMessageStore
    {
        public Queue<(IDurabilityWaiter Waiter, ulong Token)> Waiting { get; } = new();

        public void CompleteNext()
        {
            var (waiter, token) = Waiting.Dequeue();
            waiter.OnDurable(token);
        }

        public void FailNext()
        {
            var (waiter, token) = Waiting.Dequeue();
            waiter.OnSyncFailed(token);
        }

        public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered) =>
            throw new InvalidOperationException("replies open no queues");

        public IStreamLog OpenStream(string virtualHost, string stream, long segmentSize) =>
            throw new InvalidOperationException("replies open no streams");

        public void DeleteQueue(string virtualHost, string queue) =>
            throw new InvalidOperationException("replies delete no queues");

        public void WhenDurable(IDurabilityWaiter waiter, ulong token) => Waiting.Enqueue((waiter, token));

        public void Dispose()
        {
        }
    }
}
