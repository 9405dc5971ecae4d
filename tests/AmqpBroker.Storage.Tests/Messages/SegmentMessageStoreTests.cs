using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Messages;

[TestFixture]
public sealed class SegmentMessageStoreTests : TempDirectoryFixture
{
    [Test]
    public void A_queue_log_recovers_unsettled_messages_in_order_with_their_delivered_marks()
    {
        using (var store = new SegmentMessageStore(DataPath))
        {
            var log = store.OpenQueue("/", "q", out var empty)!;
            Assert.That(empty, Is.Empty);
            log.Append(1, Persistent("acked"), QueueEntry.Never);
            log.Append(2, Persistent("delivered"), QueueEntry.Never);
            log.Append(3, Persistent("ready"), QueueEntry.Never);
            log.MarkDelivered(1);
            log.Settle(1);
            log.MarkDelivered(2);
        }

        using var reopened = new SegmentMessageStore(DataPath);
        var reopenedLog = reopened.OpenQueue("/", "q", out var recovered)!;

        Assert.That(recovered.Select(r => (r.Id, Body(reopenedLog.Read(r.Location)), r.Delivered)), Is.EqualTo(new[] { (2L, "delivered", true), (3L, "ready", false) }));
        var message = reopenedLog.Read(recovered[0].Location);
        Assert.That(message.Exchange, Is.EqualTo("amq.direct"));
        Assert.That(message.RoutingKey, Is.EqualTo("key"));
        Assert.That(message.Summary.IsPersistent, Is.True, "the properties come back byte for byte");
        Assert.That(reopenedLog.NextId, Is.EqualTo(4), "ids go on above every one logged, the settled one too");
        Assert.That(reopened.RecoveredMessages, Is.EqualTo(2));
    }

    [Test]
    public void A_message_is_read_back_from_its_location_in_any_segment_until_its_segment_is_gone()
    {
        using var store = new SegmentMessageStore(DataPath, new SegmentStoreOptions { SegmentSize = 256 });
        var log = store.OpenQueue("/", "q", out _)!;
        var locations = new Dictionary<long, long>();
        for (var id = 1; id <= 20; id++)
        {
            locations[id] = log.Append(id, Persistent($"message {id} " + new string('x', 40)), QueueEntry.Never);
        }

        log.Settle(1);
        log.Settle(2);

        Assert.That(Directory.GetFiles(Path.Combine(DataPath, "messages"), "*.seg", SearchOption.AllDirectories), Has.Length.GreaterThan(2), "the records span several segments");
        Assert.That(Body(log.Read(locations[3])), Does.StartWith("message 3 "));
        Assert.That(Body(log.Read(locations[20])), Does.StartWith("message 20 "), "the newest record is still in the append buffer");
        Assert.That(log.Read(locations[7]).Summary.IsPersistent, Is.True);
        Assert.Throws<InvalidOperationException>(() => log.Read(locations[1]), "its segment, all settled, was deleted");
    }

    [Test]
    public void Queues_are_kept_apart_by_vhost_and_by_names_no_file_system_allows()
    {
        var awkward = "a/b\\c:" + new string('q', 255 - 6);
        using (var store = new SegmentMessageStore(DataPath))
        {
            store.OpenQueue("/", awkward, out _)!.Append(1, Persistent("in /"), QueueEntry.Never);
            store.OpenQueue("other", awkward, out _)!.Append(1, Persistent("in other"), QueueEntry.Never);
        }

        using var reopened = new SegmentMessageStore(DataPath);
        var rootLog = reopened.OpenQueue("/", awkward, out var root)!;
        var otherLog = reopened.OpenQueue("other", awkward, out var other)!;

        Assert.That(root.Select(r => Body(rootLog.Read(r.Location))), Is.EqualTo(new[] { "in /" }));
        Assert.That(other.Select(r => Body(otherLog.Read(r.Location))), Is.EqualTo(new[] { "in other" }));
    }

    [Test]
    public void Deleting_a_queue_removes_its_files_and_later_settles_are_ignored()
    {
        using (var store = new SegmentMessageStore(DataPath))
        {
            var log = store.OpenQueue("/", "q", out _)!;
            log.Append(1, Persistent("m"), QueueEntry.Never);
            store.DeleteQueue("/", "q");

            Assert.That(Directory.EnumerateFiles(Path.Combine(DataPath, "messages"), "*", SearchOption.AllDirectories), Is.Empty);
            Assert.DoesNotThrow(() => log.Settle(1), "an ack for a delivery of a deleted queue");
        }

        using var reopened = new SegmentMessageStore(DataPath);
        reopened.OpenQueue("/", "q", out var recovered);
        Assert.That(recovered, Is.Empty);
    }

    [Test]
    public void Waiters_are_told_in_order_once_what_was_appended_before_them_is_written()
    {
        var waiter = new RecordingWaiter();
        using var store = new SegmentMessageStore(DataPath);
        var log = store.OpenQueue("/", "q", out _)!;

        for (ulong token = 1; token <= 100; token++)
        {
            log.Append((long)token, Persistent($"m{token}"), QueueEntry.Never);
            store.WhenDurable(waiter, token);
        }

        var seen = Enumerable.Range(0, 100).Select(_ => waiter.Next()).ToList();

        Assert.That(seen, Is.EqualTo(Enumerable.Range(1, 100).Select(i => ((ulong)i, true))));
        var written = Directory.GetFiles(Path.Combine(DataPath, "messages"), "*.seg", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.That(written, Is.GreaterThanOrEqualTo(100 * "m100"u8.Length), "every record reached the file before its waiter was told");
    }

    [Test]
    public void Disposing_the_store_completes_the_waiters_still_queued()
    {
        var waiter = new RecordingWaiter();
        var store = new SegmentMessageStore(DataPath);
        store.OpenQueue("/", "q", out _)!.Append(1, Persistent("m"), QueueEntry.Never);
        store.WhenDurable(waiter, 7);
        store.Dispose();

        Assert.That(waiter.Next(), Is.EqualTo((7UL, true)));
    }

    private static Message Persistent(string body) => Message.Create("amq.direct", "key", TestMessages.PersistentProperties, Encoding.UTF8.GetBytes(body));

    private static string Body(Message message) => Encoding.UTF8.GetString(message.Body);
}
