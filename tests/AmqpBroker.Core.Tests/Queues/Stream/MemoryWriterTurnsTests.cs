using AmqpBroker.Core.Queues.Stream;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Queues.Stream;

/// <summary>
/// The chunks of streams kept in memory and the confirms that wait for them: a chunk takes every append until the
/// writer's turn it asked for runs, and a confirm is sent once the chunks open when it was asked for have ended, so
/// a message published after a confirm arrived never joins the confirmed message's chunk.
/// </summary>
[TestFixture]
public sealed class MemoryWriterTurnsTests
{
    private readonly Queue<IThreadPoolWorkItem> _scheduled = new();
    private MemoryWriterTurns _turns = null!;
    private MemoryStreamLog _log = null!;

    [SetUp]
    public void OpenLog()
    {
        _scheduled.Clear();
        _turns = new MemoryWriterTurns(_scheduled.Enqueue);
        _log = new MemoryStreamLog(StreamQueueType.DefaultSegmentSize, _turns);
    }

    [TearDown]
    public void CloseLog() => _log.Dispose();

    [Test]
    public void A_confirm_with_no_chunk_open_is_sent_at_once()
    {
        var waiter = new RecordingWaiter();
        _turns.AfterOpenChunks(waiter, 1);
        Append(_log, "a");
        RunTurn();
        _turns.AfterOpenChunks(waiter, 2);

        Assert.That(waiter.Confirmed, Is.EqualTo(new ulong[] { 1, 2 }));
    }

    [Test]
    public void A_confirm_waits_for_the_turn_that_ends_the_open_chunk()
    {
        var waiter = new RecordingWaiter();
        Append(_log, "a");
        _turns.AfterOpenChunks(waiter, 1);

        Assert.That(waiter.Confirmed, Is.Empty, "the chunk holding a is still open");
        RunTurn();
        Assert.That(waiter.Confirmed, Is.EqualTo(new ulong[] { 1 }));
        Append(_log, "b");
        Assert.That(_log.LastChunk, Is.EqualTo(1), "b, published after a's confirm, starts a chunk");
    }

    [Test]
    public void Pipelined_publishes_share_a_chunk_and_their_confirms_share_its_turn()
    {
        var waiter = new RecordingWaiter();
        Append(_log, "a");
        _turns.AfterOpenChunks(waiter, 1);
        Append(_log, "b");
        _turns.AfterOpenChunks(waiter, 2);

        Assert.That(_log.LastChunk, Is.Zero, "b came before a's confirm was sent, so it joins a's chunk");
        Assert.That(_scheduled, Has.Count.EqualTo(1), "one turn for the chunk and both confirms");
        RunTurn();
        Assert.That(waiter.Confirmed, Is.EqualTo(new ulong[] { 1, 2 }));
    }

    [Test]
    public void On_the_thread_pool_a_chunk_ends_when_the_turn_it_asked_for_runs()
    {
        var turns = new MemoryWriterTurns();
        using var log = new MemoryStreamLog(StreamQueueType.DefaultSegmentSize, turns);
        Append(log, "a");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (turns.Taken == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Yield();
        }

        Append(log, "b");

        Assert.That(log.LastChunk, Is.EqualTo(1));
    }

    [Test]
    public async Task Through_the_store_a_message_published_after_its_confirm_arrived_starts_a_chunk()
    {
        var lastChunks = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            var store = new NoMessageStore();
            using var log = store.OpenStream("/", "s", StreamQueueType.DefaultSegmentSize);
            Append(log, "a");
            var confirmed = new SignalWaiter();
            store.WhenDurable(confirmed, 1);
            await confirmed.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            Append(log, "b");
            lastChunks.Add(log.LastChunk);
        }

        Assert.That(lastChunks, Is.All.EqualTo(1L));
    }

    private void RunTurn() => _scheduled.Dequeue().Execute();

    private static void Append(IStreamLog log, string body)
    {
        var message = TestData.Message(body);
        log.Append(message, TimeProvider.System);
        message.Release();
    }

    private sealed class RecordingWaiter : IDurabilityWaiter
    {
        public List<ulong> Confirmed { get; } = [];

        public void OnDurable(ulong token) => Confirmed.Add(token);

        public void OnSyncFailed(ulong token) => throw new InvalidOperationException("an in-memory store cannot fail a sync");
    }

    private sealed class SignalWaiter : IDurabilityWaiter
    {
        private readonly TaskCompletionSource _confirmed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _confirmed.Task;

        public void OnDurable(ulong token) => _confirmed.TrySetResult();

        public void OnSyncFailed(ulong token) => _confirmed.TrySetException(new InvalidOperationException("an in-memory store cannot fail a sync"));
    }
}
