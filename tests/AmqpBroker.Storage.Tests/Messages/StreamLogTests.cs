using System.Text;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Storage;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;
using static AmqpBroker.Storage.Tests.TestSupport.TestClock;

namespace AmqpBroker.Storage.Tests.Messages;

/// <summary>
/// A stream's log on disk: offsets from 0, read back record by record from the segment files (across segments,
/// from any offset, after a restart), followed by a reader at the end as it grows; retention deletes whole
/// segment files; files go through the store's bounded handle cache. Chunks end with the committer's writes
/// here, so which messages share one is left to <see cref="StreamChunkTests"/>.
/// </summary>
[TestFixture]
public sealed class StreamLogTests : TempDirectoryFixture
{
    private const long SmallSegments = 256;

    [Test]
    public void Messages_are_read_back_in_order_across_segments_and_after_a_restart()
    {
        using (var store = new SegmentMessageStore(DataPath))
        {
            var log = store.OpenStream("/", "s", SmallSegments);
            AppendAll(log, 20);

            Assert.That(log.Segments, Has.Count.GreaterThan(2));
            Assert.That(ReadAll(log, log.Seek(0)), Is.EqualTo(Expected(0, 20)));
        }

        using var reopened = new SegmentMessageStore(DataPath);
        var recovered = reopened.OpenStream("/", "s", SmallSegments);
        var segments = recovered.Segments.ToList();
        recovered.Append(TestMessages.Persistent(Encoding.UTF8.GetBytes("m20"), "s"), At(1020));

        Assert.That(recovered.NextOffset, Is.EqualTo(21), "offsets go on where they stopped");
        Assert.That((segments[0].FirstOffset, segments[^1].LastOffset, segments[0].FirstTimestamp), Is.EqualTo((0L, 19L, 1000L)));
        Assert.That(ReadTimes(recovered).Last(), Is.EqualTo(1020L), "the first append after a restart opens a chunk of its own");
        Assert.That(ReadAll(recovered, recovered.Seek(0)), Is.EqualTo(Expected(0, 21)));
        Assert.That(reopened.RecoveredMessages, Is.EqualTo(20));
    }

    [Test]
    public void Reading_starts_at_any_offset()
    {
        using var store = new SegmentMessageStore(DataPath);
        var log = store.OpenStream("/", "s", SmallSegments);
        AppendAll(log, 20);

        Assert.That(ReadAll(log, log.Seek(7)), Is.EqualTo(Expected(7, 13)));
        Assert.That(ReadAll(log, log.Seek(19)), Is.EqualTo(Expected(19, 1)));
    }

    [Test]
    public void A_reader_beyond_the_end_starts_at_its_offset_once_the_stream_reaches_it()
    {
        using var store = new SegmentMessageStore(DataPath);
        var log = store.OpenStream("/", "s", SmallSegments);
        AppendAll(log, 2);
        var cursor = log.Seek(5);

        AppendAll(log, 6);

        Assert.That(ReadAll(log, cursor).Select(r => r.Offset), Is.EqualTo(new long[] { 5, 6, 7 }));
    }

    [Test]
    public void A_reader_at_the_end_reads_what_is_appended_later_across_a_new_segment()
    {
        using var store = new SegmentMessageStore(DataPath);
        var log = store.OpenStream("/", "s", SmallSegments);
        var cursor = log.Seek(0);
        Assert.That(log.TryRead(ref cursor, out _), Is.False, "nothing yet");

        AppendAll(log, 20);

        Assert.That(ReadAll(log, cursor), Is.EqualTo(Expected(0, 20)));
    }

    [Test]
    public void Retention_deletes_the_oldest_segment_file_and_a_reader_in_it_goes_on_at_the_oldest_left()
    {
        using var store = new SegmentMessageStore(DataPath);
        var log = store.OpenStream("/", "s", SmallSegments);
        AppendAll(log, 20);
        Sync(store);
        var reader = log.Seek(0);
        var files = SegmentFiles().Length;
        var secondStart = log.Segments[1].FirstOffset;

        Assert.That(log.DropOldestSegment(), Is.True);

        Assert.That(SegmentFiles(), Has.Length.EqualTo(files - 1));
        Assert.That(log.Segments[0].FirstOffset, Is.EqualTo(secondStart));
        Assert.That(ReadAll(log, reader), Is.EqualTo(Expected(secondStart, 20 - (int)secondStart)));
    }

    [Test]
    public void The_last_segment_is_never_dropped()
    {
        using var store = new SegmentMessageStore(DataPath);
        var log = store.OpenStream("/", "s", SmallSegments);
        AppendAll(log, 20);

        while (log.DropOldestSegment())
        {
        }

        Assert.That(log.Segments, Has.Count.EqualTo(1));
        Assert.That(ReadAll(log, log.Seek(0)), Is.Not.Empty.And.EqualTo(Expected(log.Segments[0].FirstOffset, 20 - (int)log.Segments[0].FirstOffset)));
    }

    [Test]
    public void Many_streams_are_read_through_the_bounded_handle_cache()
    {
        const int Streams = 50;
        var files = new FaultyFileSystem();
        var alarms = new ResourceAlarms();
        var resources = new NodeResources(alarms, new FileDescriptors(1024, 0, alarms, maxOpenFiles: 16));
        using var store = new SegmentMessageStore(DataPath, new SegmentStoreOptions { Files = files, Resources = resources });
        var logs = Enumerable.Range(0, Streams).Select(i => store.OpenStream("/", $"s{i}", SmallSegments)).ToList();
        foreach (var log in logs)
        {
            // Synced stream by stream: a sync pins the files it syncs, and a log of such small segments has several.
            AppendAll(log, 10);
            Sync(store);
        }

        Assert.That(logs.Select(log => ReadAll(log, log.Seek(0)).Count), Is.All.EqualTo(10));
        Assert.That(files.MostOpenFiles, Is.LessThanOrEqualTo(16));
    }

    [Test]
    public void A_deleted_stream_leaves_no_files()
    {
        using var store = new SegmentMessageStore(DataPath);
        var log = store.OpenStream("/", "s", SmallSegments);
        AppendAll(log, 5);
        Sync(store);

        log.Dispose();
        store.DeleteQueue("/", "s");

        Assert.That(SegmentFiles(), Is.Empty);
    }

    /// <summary>Waits until everything appended so far is on disk (every segment file exists).</summary>
    private static void Sync(SegmentMessageStore store)
    {
        var waiter = new RecordingWaiter();
        store.WhenDurable(waiter, 1);
        Assert.That(waiter.Next(), Is.EqualTo((1UL, true)));
    }

    /// <summary>Appends m0, m1, ... with append times 1000, 1001, ...</summary>
    private static void AppendAll(IStreamLog log, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var message = TestMessages.Persistent(Encoding.UTF8.GetBytes($"m{i} " + new string('x', 40)), "s");
            log.Append(message, At(1000 + i));
            message.Release();
        }
    }

    /// <summary>The offset and body of every message from <paramref name="cursor"/> on.</summary>
    private static List<(long Offset, string Body)> ReadAll(IStreamLog log, StreamCursor cursor)
    {
        var read = new List<(long, string)>();
        while (log.TryRead(ref cursor, out var record))
        {
            read.Add((record.Offset, Encoding.UTF8.GetString(record.Message.Body).Split(' ')[0]));
            record.Message.Release();
        }

        return read;
    }

    private static List<long> ReadTimes(IStreamLog log)
    {
        var times = new List<long>();
        var cursor = log.Seek(0);
        while (log.TryRead(ref cursor, out var record))
        {
            times.Add(record.Timestamp);
            record.Message.Release();
        }

        return times;
    }

    private static IEnumerable<(long, string)> Expected(long from, int count) =>
        Enumerable.Range((int)from, count).Select(i => ((long)i, $"m{i}"));

    private string[] SegmentFiles() => Directory.GetFiles(Path.Combine(DataPath, "messages"), "*.seg", SearchOption.AllDirectories);
}
