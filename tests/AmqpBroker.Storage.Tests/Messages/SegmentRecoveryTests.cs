using System.Buffers.Binary;
using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Messages;

/// <summary>Recovery fails loudly: what this build cannot read stops the queue's recovery, and what it cuts it logs.</summary>
[TestFixture]
public sealed class SegmentRecoveryTests : TempDirectoryFixture
{
    [Test]
    public void A_segment_of_a_newer_format_version_is_refused_and_left_as_it_is()
    {
        var segment = WriteOneMessage();
        var bytes = File.ReadAllBytes(segment);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), SegmentFormat.CurrentVersion + 1);
        File.WriteAllBytes(segment, bytes);

        var refused = Assert.Throws<UnreadableLogException>(() => Open(out _));

        Assert.That(refused!.Reason, Does.Contain($"version {SegmentFormat.CurrentVersion + 1}"));
        Assert.That(File.ReadAllBytes(segment), Is.EqualTo(bytes), "nothing was cut");
    }

    [Test]
    public void An_intact_record_of_an_unknown_kind_stops_recovery_instead_of_reading_as_settled()
    {
        var segment = WriteOneMessage();
        var offset = new FileInfo(segment).Length;
        AppendRecord(segment, kind: 9, payload: BitConverter.GetBytes(1L));
        var bytes = File.ReadAllBytes(segment);

        var refused = Assert.Throws<UnreadableLogException>(() => Open(out _));

        Assert.That((refused!.Reason, refused.Offset, refused.Segment), Is.EqualTo(("unknown record kind 9", offset, segment)));
        Assert.That(File.ReadAllBytes(segment), Is.EqualTo(bytes), "nothing was cut");
    }

    [Test]
    public void The_store_sets_an_unreadable_log_aside_logs_why_and_starts_the_queue_empty()
    {
        using var loggers = new RecordingLoggerFactory();
        using (var store = new SegmentMessageStore(DataPath))
        {
            store.OpenQueue("/", "orders", out _)!.Append(1, TestMessages.Persistent("kept on disk"u8, "orders"), QueueEntry.Never);
        }

        var segment = Directory.GetFiles(Path.Combine(DataPath, "messages"), "*.seg", SearchOption.AllDirectories).Single();
        AppendRecord(segment, kind: 200, payload: [1, 2, 3]);
        var original = File.ReadAllBytes(segment);

        using (var store = new SegmentMessageStore(DataPath, new SegmentStoreOptions { LoggerFactory = loggers }))
        {
            var log = store.OpenQueue("/", "orders", out var recovered)!;
            Assert.That(recovered, Is.Empty);
            log.Append(1, TestMessages.Persistent("after"u8, "orders"), QueueEntry.Never);
        }

        var line = loggers.Named("LogUnreadable").Single();
        Assert.That(line.Message, Does.Contain("queue 'orders' in vhost '/'").And.Contain("unknown record kind 200").And.Contain(Path.GetFileName(segment)));
        var setAside = Path.GetDirectoryName(segment) + ".unreadable";
        Assert.That(File.ReadAllBytes(Path.Combine(setAside, Path.GetFileName(segment))), Is.EqualTo(original), "every byte kept for a build that reads it");
        using var reopened = new SegmentMessageStore(DataPath);
        var reopenedLog = reopened.OpenQueue("/", "orders", out var again)!;
        Assert.That(again.Select(r => Encoding.UTF8.GetString(reopenedLog.Read(r.Location).Body)), Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public void A_torn_tail_is_logged_with_the_queue_segment_offset_and_bytes_cut()
    {
        var segment = WriteOneMessage();
        var intact = new FileInfo(segment).Length;
        AppendRecord(segment, kind: (byte)LogRecordKind.Publish, payload: new byte[40]);
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length - 5);
        }

        using var loggers = new RecordingLoggerFactory();
        using var log = SegmentLog.Open(QueuePath, TestLogs.Name, TestLogs.Environment(loggers: loggers), out var recovered);

        Assert.That(recovered.Select(r => r.Id), Is.EqualTo(new long[] { 1 }));
        Assert.That(new FileInfo(segment).Length, Is.EqualTo(intact));
        var cut = loggers.Named("TailCut").Single();
        Assert.That(cut.Message, Does.Contain(TestLogs.Name).And.Contain(segment).And.Contain($"offset {intact}").And.Contain($"({LogRecord.HeaderSize + 40 - 5} bytes)"));
    }

    [Test]
    public void A_segment_torn_while_its_header_was_written_is_emptied_and_the_log_goes_on()
    {
        Directory.CreateDirectory(QueuePath);
        var segment = Path.Combine(QueuePath, "0000000001.seg");
        File.WriteAllBytes(segment, [0x41, 0x42, 0x53]);

        using (var log = Open(out var recovered))
        {
            Assert.That(recovered, Is.Empty);
            log.AppendPublish(1, Message.Create("", "q", [0, 0], "first"u8));
        }

        using var reopened = Open(out var again);
        Assert.That(again.Select(r => r.Id), Is.EqualTo(new long[] { 1 }));
    }

    [Test]
    public void A_queue_that_never_held_a_persistent_message_has_no_files()
    {
        using var store = new SegmentMessageStore(DataPath);

        var log = store.OpenQueue("/", "transient-only", out _)!;

        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(DataPath, "messages")), Is.Empty);
        Assert.That(store.OpenFiles, Is.Zero);
        Assert.That(log.NextId, Is.Zero);
    }

    private string QueuePath => Path.Combine(DataPath, "queue");

    private SegmentLog Open(out IReadOnlyList<Core.Storage.RecoveredEntry> recovered) =>
        SegmentLog.Open(QueuePath, TestLogs.Name, TestLogs.Environment(), out recovered);

    /// <summary>A log with message 1 in its one segment; returns the segment's path.</summary>
    private string WriteOneMessage()
    {
        using var log = Open(out _);
        log.AppendPublish(1, TestMessages.Persistent("one"u8));
        return log.SegmentFiles.Single();
    }

    /// <summary>Appends a framed record with a correct CRC, of any kind.</summary>
    private static void AppendRecord(string segment, byte kind, byte[] payload)
    {
        var record = new byte[LogRecord.HeaderSize + payload.Length];
        payload.CopyTo(record, LogRecord.HeaderSize);
        LogRecord.WriteHeader(record, (LogRecordKind)kind, payload);
        using var file = new FileStream(segment, FileMode.Append, FileAccess.Write);
        file.Write(record);
    }
}
