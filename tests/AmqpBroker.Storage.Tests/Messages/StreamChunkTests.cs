using System.Text;
using AmqpBroker.Core.Storage;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using static AmqpBroker.Storage.Tests.TestSupport.TestClock;

namespace AmqpBroker.Storage.Tests.Messages;

/// <summary>
/// A stream's chunks on disk, with the writer's turns taken by the test: a chunk takes every append until the
/// next turn and stamps its messages with the time it opened; a new segment starts a chunk; the first message of
/// each chunk is marked in its record, so a restart finds the same chunks and where the last one starts.
/// </summary>
[TestFixture]
public sealed class StreamChunkTests : TempDirectoryFixture
{
    private GroupCommitter _committer = null!;

    [SetUp]
    public void StartCommitter() => _committer = new GroupCommitter(NullLogger.Instance);

    [TearDown]
    public void StopCommitter() => _committer.Dispose();

    [Test]
    public void A_chunk_takes_the_appends_until_the_writers_turn_and_shares_the_time_it_opened()
    {
        var turns = new ManualTurns();
        var (segments, log) = Open(turns, SegmentMessageStore.DefaultSegmentSize);
        using (segments)
        {
            Append(log, 0, 3);
            turns.Take();
            Append(log, 3, 2);

            Assert.That(ReadAll(log, 0), Is.EqualTo(new[] { (0L, 1000L, true), (1, 1000, false), (2, 1000, false), (3, 1003, true), (4, 1003, false) }));
            Assert.That(log.LastChunk, Is.EqualTo(3));
            Assert.That(turns.Requests, Is.EqualTo(2), "each chunk asks for the turn that ends it");
            Assert.That(ReadAll(log, 4).Select(r => r.Offset), Is.EqualTo(new[] { 4L }), "reading from inside the last chunk starts exactly there");
        }
    }

    [Test]
    public void A_restart_finds_the_chunks_and_appends_after_it_open_a_new_one()
    {
        var turns = new ManualTurns();
        var (segments, log) = Open(turns, SegmentMessageStore.DefaultSegmentSize);
        using (segments)
        {
            Append(log, 0, 2);
            turns.Take();
            Append(log, 2, 3);
        }

        var (reopenedSegments, reopened) = Open(new ManualTurns(), SegmentMessageStore.DefaultSegmentSize);
        using (reopenedSegments)
        {
            Assert.That(reopened.LastChunk, Is.EqualTo(2));
            Assert.That(ReadAll(reopened, reopened.LastChunk).Select(r => r.Offset), Is.EqualTo(new[] { 2L, 3, 4 }));

            Append(reopened, 5, 1);

            Assert.That(ReadAll(reopened, 0), Is.EqualTo(new[] { (0L, 1000L, true), (1, 1000, false), (2, 1002, true), (3, 1002, false), (4, 1002, false), (5, 1005, true) }));
            Assert.That(reopened.LastChunk, Is.EqualTo(5));
        }
    }

    [Test]
    public void A_new_segment_starts_a_chunk_within_the_same_turn_and_time()
    {
        var (segments, log) = Open(new ManualTurns(), segmentSize: 256);
        using (segments)
        {
            Append(log, 0, 12);

            var starts = ReadAll(log, 0).Where(r => r.StartsChunk).Select(r => r.Offset);
            Assert.That(log.Segments, Has.Count.GreaterThan(2));
            Assert.That(starts, Is.EqualTo(log.Segments.Select(s => s.FirstOffset)));
            Assert.That(ReadAll(log, 0).Select(r => r.Timestamp), Is.All.EqualTo(1000L));
            Assert.That(log.LastChunk, Is.EqualTo(log.Segments[^1].FirstOffset));
        }
    }

    private (SegmentLog Segments, StreamLog Log) Open(ManualTurns turns, long segmentSize)
    {
        var segments = SegmentLog.Open(Path.Combine(DataPath, "stream"), "stream 's' in vhost '/'", TestLogs.Environment(segmentSize), out var recovered);
        return (segments, new StreamLog(segments, new QueueLog(segments, _committer, inMemoryLimit: 0), recovered, turns));
    }

    /// <summary>Appends <paramref name="count"/> messages from <paramref name="first"/> on, message i at time 1000 + i.</summary>
    private static void Append(StreamLog log, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            var message = TestMessages.Persistent(Encoding.UTF8.GetBytes($"m{i} " + new string('x', 40)), "s");
            log.Append(message, At(1000 + i));
            message.Release();
        }
    }

    private static List<(long Offset, long Timestamp, bool StartsChunk)> ReadAll(StreamLog log, long from)
    {
        var read = new List<(long, long, bool)>();
        var cursor = log.Seek(from);
        while (log.TryRead(ref cursor, out var record))
        {
            read.Add((record.Offset, record.Timestamp, record.StartsChunk));
            record.Message.Release();
        }

        return read;
    }
}
