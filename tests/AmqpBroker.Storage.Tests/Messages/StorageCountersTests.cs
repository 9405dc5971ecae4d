using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Queues;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Messages;

/// <summary>The store's counters (rabbitmq_io_*, msg_store_*, queue_index_*) move with the operations they count.</summary>
[TestFixture]
public sealed class StorageCountersTests : TempDirectoryFixture
{
    private const int BodySize = 1000;

    [Test]
    public void Writes_syncs_and_records_are_counted_as_they_reach_the_disk()
    {
        using var store = new SegmentMessageStore(DataPath);
        var counters = store.Counters;
        var log = store.OpenQueue("/", "q", out _)!;
        for (var id = 1; id <= 3; id++)
        {
            log.Append(id, TestMessages.Persistent(new byte[BodySize]), QueueEntry.Never);
        }

        log.MarkDelivered(1);
        log.Settle(1);

        var waiter = new RecordingWaiter();
        store.WhenDurable(waiter, 1);
        Assert.That(waiter.Next(), Is.EqualTo((1UL, true)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(counters.MessagesWritten, Is.EqualTo(3));
            Assert.That(counters.IndexWrites, Is.EqualTo(2), "a delivered and a settled marker");
            Assert.That(counters.WriteOps, Is.GreaterThanOrEqualTo(1));
            Assert.That(counters.WriteBytes, Is.GreaterThan(3 * BodySize));
            Assert.That(counters.SyncOps, Is.GreaterThanOrEqualTo(1), "the segment and the directories that gained it");
            Assert.That(counters.WriteSeconds, Is.GreaterThan(0));
            Assert.That(counters.SyncSeconds, Is.GreaterThan(0));
        }
    }

    [Test]
    public void Reads_of_messages_and_of_the_index_at_recovery_are_counted()
    {
        long location;
        using (var store = new SegmentMessageStore(DataPath))
        {
            var log = store.OpenQueue("/", "q", out _)!;
            location = log.Append(1, TestMessages.Persistent(new byte[BodySize]), QueueEntry.Never);
            log.Append(2, TestMessages.Persistent(new byte[BodySize]), QueueEntry.Never);
            log.MarkDelivered(2);
        }

        using var reopened = new SegmentMessageStore(DataPath);
        var counters = reopened.Counters;
        var recoveredLog = reopened.OpenQueue("/", "q", out _)!;
        Assert.That(counters.IndexReads, Is.EqualTo(3), "two publish records and a marker replayed");
        var replayReads = counters.ReadOps;
        Assert.That(replayReads, Is.EqualTo(1), "the one segment streamed once");

        recoveredLog.Read(location);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(counters.MessagesRead, Is.EqualTo(1));
            Assert.That(counters.ReadOps, Is.EqualTo(replayReads + 2), "a record's header, then the record");
            Assert.That(counters.ReadBytes, Is.GreaterThan(2 * BodySize));
        }
    }

    [Test]
    public void A_file_closed_by_the_open_file_limit_counts_as_reopened_when_opened_again()
    {
        var alarms = new ResourceAlarms();
        var resources = new NodeResources(alarms, new FileDescriptors(1024, 0, alarms, maxOpenFiles: 1));
        using var store = new SegmentMessageStore(DataPath, new SegmentStoreOptions { Resources = resources });
        var (first, second) = (store.OpenQueue("/", "a", out _)!, store.OpenQueue("/", "b", out _)!);
        var inFirst = first.Append(1, TestMessages.Persistent(new byte[BodySize]), QueueEntry.Never);
        // Written out in this order (the store's committer may do it first, in the same order): the second file's open closes the first's.
        ((QueueLog)first).Flush(durable: false);
        second.Append(1, TestMessages.Persistent(new byte[BodySize]), QueueEntry.Never);
        ((QueueLog)second).Flush(durable: false);
        Assert.That(store.Counters.ReopenOps, Is.Zero, "each file opened once");

        first.Read(inFirst);

        Assert.That(store.Counters.ReopenOps, Is.EqualTo(1), "the first queue's file was closed for the second's");
    }
}
