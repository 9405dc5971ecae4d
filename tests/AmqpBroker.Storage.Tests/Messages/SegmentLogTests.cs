using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Messages;

[TestFixture]
public sealed class SegmentLogTests : TempDirectoryFixture
{
    [Test]
    public void Syncing_while_others_append_loses_no_record()
    {
        const int Count = 200_000;
        using (var log = Open(out _))
        {
            using var done = new CancellationTokenSource();
            // Two threads syncing as fast as they can keep the race window open while the appends run.
            var syncers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                while (!done.IsCancellationRequested)
                {
                    log.Sync();
                }
            })).ToArray();

            for (var id = 1; id <= Count; id++)
            {
                log.AppendPublish(id, Message.Create(string.Empty, "q", [0, 0], BitConverter.GetBytes(id)));
                if (id % 2 == 0)
                {
                    log.AppendSettled(id);
                }
            }

            done.Cancel();
            Task.WaitAll(syncers);
        }

        using var reopened = Open(out var recovered);

        Assert.That(recovered.Select(r => r.Id), Is.EqualTo(Enumerable.Range(0, Count / 2).Select(i => 2L * i + 1)));
        Assert.That(recovered.Select(r => BitConverter.ToInt32(reopened.Read(r.Location).Body)), Is.EqualTo(recovered.Select(r => (int)r.Id)));
    }

    [Test]
    public void Published_messages_come_back_exactly_and_in_order_with_what_the_queue_needs_to_index_them()
    {
        var properties = new BasicProperties { ContentType = "text/plain", Priority = 3, Expiration = "60000" }.Encode();
        using (var log = Open(out _))
        {
            log.AppendPublish(1, Message.Create("amq.direct", "key", properties, "first"u8), expiresAt: 1_700_000_000_000);
            log.AppendPublish(2, Message.Create(string.Empty, "q", [0, 0], []));
            log.AppendPublish(3, Message.Create("x", "ключ", [0, 0], new byte[100_000]));
        }

        using var reopened = Open(out var recovered);

        Assert.That(recovered.Select(r => r.Id), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(recovered[0], Is.EqualTo(new RecoveredEntry(1, recovered[0].Location, 1_700_000_000_000, 5, Priority: 3, HasOwnTtl: true, Delivered: false)));
        Assert.That((recovered[1].ExpiresAt, recovered[1].HasOwnTtl, recovered[1].Priority), Is.EqualTo((QueueEntry.Never, false, (byte)0)));
        var first = reopened.Read(recovered[0].Location);
        Assert.That((first.Exchange, first.RoutingKey), Is.EqualTo(("amq.direct", "key")));
        Assert.That(first.Properties.ToArray(), Is.EqualTo(properties));
        Assert.That(Encoding.UTF8.GetString(first.Body), Is.EqualTo("first"));
        Assert.That(reopened.Read(recovered[1].Location).BodySize, Is.Zero);
        Assert.That(reopened.Read(recovered[2].Location).RoutingKey, Is.EqualTo("ключ"));
        Assert.That((recovered[2].BodySize, reopened.Read(recovered[2].Location).BodySize), Is.EqualTo((100_000, 100_000)));
        Assert.That(recovered.Select(r => r.Delivered), Is.All.False);
    }

    [Test]
    public void Ids_must_grow_and_go_on_above_every_id_ever_logged()
    {
        using (var log = Open(out _))
        {
            log.AppendPublish(5, Message.Create(string.Empty, "q", [0, 0], Body(5)));
            log.AppendSettled(5);
            Assert.Throws<ArgumentOutOfRangeException>(() => log.AppendPublish(5, Message.Create(string.Empty, "q", [0, 0], Body(5))));
        }

        using var reopened = Open(out var recovered);

        Assert.That(recovered, Is.Empty);
        Assert.That(reopened.NextId, Is.EqualTo(6), "a settled id is not given out again");
    }

    [Test]
    public void Settled_messages_do_not_come_back_and_delivered_ones_come_back_marked()
    {
        using (var log = Open(out _))
        {
            for (var id = 1; id <= 4; id++)
            {
                log.AppendPublish(id, Message.Create("", "q", [0, 0], Body(id)));
            }

            log.AppendDelivered(1);
            log.AppendDelivered(2);
            log.AppendSettled(2);
            log.AppendSettled(4);
        }

        using var reopened = Open(out var recovered);

        Assert.That(recovered.Select(r => (r.Id, r.Delivered)), Is.EqualTo(new[] { (1L, true), (3L, false) }));
    }

    [Test]
    public void Recovery_continues_appending_where_it_left_off()
    {
        using (var log = Open(out _))
        {
            log.AppendPublish(1, Message.Create("", "q", [0, 0], Body(1)));
        }

        using (var log = Open(out _))
        {
            log.AppendPublish(2, Message.Create("", "q", [0, 0], Body(2)));
            log.AppendSettled(1);
        }

        using var reopened = Open(out var recovered);
        Assert.That(recovered.Select(r => r.Id), Is.EqualTo(new long[] { 2 }));
    }

    [Test]
    public void The_log_rolls_over_at_the_segment_size_and_deletes_settled_segments_from_the_oldest()
    {
        using var log = Open(out _, segmentSize: 4096);
        for (var id = 1; id <= 30; id++)
        {
            log.AppendPublish(id, Message.Create("", "q", [0, 0], new byte[1000]));
        }

        var segments = log.SegmentFiles;
        Assert.That(segments, Has.Count.GreaterThanOrEqualTo(8));
        Assert.That(segments.Select(f => new FileInfo(f).Length), Is.All.LessThanOrEqualTo(4096));

        // Settling the second segment's messages frees nothing while the first still holds a message.
        for (var id = 4; id <= 6; id++)
        {
            log.AppendSettled(id);
        }

        Assert.That(log.SegmentFiles, Has.Count.EqualTo(segments.Count));

        for (var id = 1; id <= 3; id++)
        {
            log.AppendSettled(id);
        }

        Assert.That(log.SegmentFiles, Has.Count.EqualTo(segments.Count - 2));
        Assert.That(File.Exists(segments[0]) || File.Exists(segments[1]), Is.False);
    }

    [Test]
    public void Settling_recovered_messages_frees_their_segments_as_in_the_run_that_wrote_them()
    {
        IReadOnlyList<string> segments;
        using (var log = Open(out _, segmentSize: 4096))
        {
            for (var id = 1; id <= 30; id++)
            {
                log.AppendPublish(id, Message.Create("", "q", [0, 0], new byte[1000]));
            }

            log.AppendSettled(1);
            log.AppendSettled(2);
            segments = log.SegmentFiles;
        }

        using var reopened = Open(out var recovered, segmentSize: 4096);
        Assert.That(recovered.Select(r => r.Id), Is.EqualTo(Enumerable.Range(3, 28).Select(i => (long)i)));
        Assert.That(reopened.SegmentFiles, Is.EqualTo(segments));

        reopened.AppendSettled(3);

        Assert.That(reopened.SegmentFiles, Is.EqualTo(segments.Skip(1)), "the first segment's last message settled");
    }

    [Test]
    public void A_fully_settled_log_keeps_only_the_segment_it_writes_to()
    {
        using (var log = Open(out _, segmentSize: 4096))
        {
            for (var id = 1; id <= 20; id++)
            {
                log.AppendPublish(id, Message.Create("", "q", [0, 0], new byte[1000]));
                log.AppendSettled(id);
            }

            Assert.That(log.SegmentFiles, Has.Count.EqualTo(1));
        }

        using var reopened = Open(out var recovered, segmentSize: 4096);
        Assert.That(recovered, Is.Empty);
    }

    [Test]
    public void A_torn_tail_record_is_cut_off_and_the_log_stays_usable()
    {
        string segment;
        using (var log = Open(out _))
        {
            log.AppendPublish(1, Message.Create("", "q", [0, 0], Body(1)));
            log.AppendPublish(2, Message.Create("", "q", [0, 0], Body(2)));
            segment = log.SegmentFiles.Single();
        }

        var intact = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(intact - 3);
        }

        using (var log = Open(out var recovered))
        {
            Assert.That(recovered.Select(r => r.Id), Is.EqualTo(new long[] { 1 }));
            log.AppendPublish(3, Message.Create("", "q", [0, 0], Body(3)));
        }

        using var reopened = Open(out var again);
        Assert.That(again.Select(r => r.Id), Is.EqualTo(new long[] { 1, 3 }));
    }

    [Test]
    public void A_record_with_a_bad_crc_is_never_delivered()
    {
        string segment;
        using (var log = Open(out _))
        {
            log.AppendPublish(1, Message.Create("", "q", [0, 0], "good"u8));
            log.AppendPublish(2, Message.Create("", "q", [0, 0], "flipped"u8));
            segment = log.SegmentFiles.Single();
        }

        var bytes = File.ReadAllBytes(segment);
        bytes[^2] ^= 0x01;
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open(out var recovered);
        Assert.That(recovered.Select(r => Encoding.UTF8.GetString(reopened.Read(r.Location).Body)), Is.EqualTo(new[] { "good" }));
    }

    [TestCase(-1)]
    [TestCase(int.MaxValue)]
    public void A_length_damaged_after_recovery_reads_back_as_invalid_data(int damagedLength)
    {
        using (var log = Open(out _))
        {
            log.AppendPublish(1, Message.Create("", "q", [0, 0], "first"u8));
            log.AppendPublish(2, Message.Create("", "q", [0, 0], "second"u8));
        }

        using var reopened = Open(out var recovered);
        var (_, offset) = LogSegment.Split(recovered[0].Location);
        using (var file = File.Open(reopened.SegmentFiles.Single(), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Position = offset;
            file.Write(BitConverter.GetBytes(damagedLength));
        }

        // Not an out-of-range error or a 2 GiB buffer: the queue skips a message on InvalidDataException (see IQueueLog.Read).
        Assert.Throws<InvalidDataException>(() => reopened.Read(recovered[0].Location));
        Assert.That(Encoding.UTF8.GetString(reopened.Read(recovered[1].Location).Body), Is.EqualTo("second"));
    }

    [Test]
    public void Garbage_after_the_last_record_is_ignored_whatever_it_is()
    {
        string segment;
        using (var log = Open(out _))
        {
            log.AppendPublish(1, Message.Create("", "q", [0, 0], Body(1)));
            segment = log.SegmentFiles.Single();
        }

        var random = new Random(7);
        var original = File.ReadAllBytes(segment);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var garbage = new byte[random.Next(1, 64)];
            random.NextBytes(garbage);
            File.WriteAllBytes(segment, [.. original, .. garbage]);

            using var reopened = Open(out var recovered);
            Assert.That(recovered.Select(r => r.Id), Is.EqualTo(new long[] { 1 }), $"attempt {attempt}");
        }
    }

    [Test]
    public void Sync_makes_appended_records_visible_in_the_file()
    {
        using var log = Open(out _);
        log.AppendPublish(1, Message.Create("", "q", [0, 0], new byte[10]));
        var segment = log.SegmentFiles.Single();

        log.Sync();

        Assert.That(new FileInfo(segment).Length, Is.GreaterThan(10));
    }

    [Test]
    public void Destroy_removes_the_queue_directory()
    {
        using (var log = Open(out _))
        {
            log.AppendPublish(1, Message.Create("", "q", [0, 0], Body(1)));
        }

        Assert.That(Directory.Exists(QueuePath), Is.True);

        SegmentLog.Destroy(QueuePath);

        Assert.That(Directory.Exists(QueuePath), Is.False);
    }

    private string QueuePath => Path.Combine(DataPath, "queue");

    private SegmentLog Open(out IReadOnlyList<RecoveredEntry> recovered, long segmentSize = SegmentMessageStore.DefaultSegmentSize) =>
        SegmentLog.Open(QueuePath, TestLogs.Name, TestLogs.Environment(segmentSize), out recovered);

    private static byte[] Body(int id) => Encoding.UTF8.GetBytes($"message {id}");
}
