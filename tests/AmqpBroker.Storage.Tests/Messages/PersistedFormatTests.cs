using AmqpBroker.Core.Messages;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Messages;

/// <summary>
/// Pins what is on disk. A failure here means a persisted record kind or layout changed: bump
/// <see cref="SegmentFormat.CurrentVersion"/>, keep reading the older versions, and add the new version's
/// bytes below beside the old ones (never change an existing entry).
/// </summary>
[TestFixture]
public sealed class PersistedFormatTests : TempDirectoryFixture
{
    /// <summary>
    /// A segment holding a publish of id 1 (exchange "x", key "k", persistent, body "hi", expiring at 1,700,000,000,000),
    /// then delivered 1 and settled 1, per version; from version 2 then a stream's chunk start of id 2 (the same
    /// message, stamped 1,700,000,000,000).
    /// </summary>
    private static readonly Dictionary<uint, string> SegmentsByVersion = new()
    {
        [1] = "414253C7" + "01000000" // magic, version 1
            + "23000000" + "AFDB95F9" + "01" // publish: payload length, CRC-32C, kind
            + "0100000000000000" + "0068E5CF8B010000" // id, expiry (Unix ms)
            + "0100" + "78" + "0100" + "6B" // exchange "x", routing key "k"
            + "03000000" + "100002" + "02000000" + "6869" // raw properties (persistent), body "hi"
            + "08000000" + "E5CF481F" + "02" + "0100000000000000" // delivered 1
            + "08000000" + "AD1976EB" + "03" + "0100000000000000", // settled 1
        [2] = "414253C7" + "02000000" // magic, version 2
            + "23000000" + "AFDB95F9" + "01" // publish: payload length, CRC-32C, kind
            + "0100000000000000" + "0068E5CF8B010000" // id, expiry (Unix ms)
            + "0100" + "78" + "0100" + "6B" // exchange "x", routing key "k"
            + "03000000" + "100002" + "02000000" + "6869" // raw properties (persistent), body "hi"
            + "08000000" + "E5CF481F" + "02" + "0100000000000000" // delivered 1
            + "08000000" + "AD1976EB" + "03" + "0100000000000000" // settled 1
            + "23000000" + "86342067" + "04" // chunk start: payload length, CRC-32C, kind
            + "0200000000000000" + "0068E5CF8B010000" // offset, chunk time (Unix ms)
            + "0100" + "78" + "0100" + "6B" // exchange "x", routing key "k"
            + "03000000" + "100002" + "02000000" + "6869", // raw properties (persistent), body "hi"
    };

    [Test]
    public void Record_kinds_keep_their_values()
    {
        Assert.That(Enum.GetValues<LogRecordKind>().ToDictionary(k => k.ToString(), k => (byte)k), Is.EqualTo(new Dictionary<string, byte>
        {
            ["Publish"] = 1,
            ["Delivered"] = 2,
            ["Settled"] = 3,
            ["ChunkStart"] = 4,
        }));
    }

    [Test]
    public void A_segment_is_written_byte_for_byte_as_its_version_says()
    {
        Assert.That(SegmentsByVersion, Contains.Key(SegmentFormat.CurrentVersion), "a new version needs its bytes pinned here");
        Assert.That(Convert.ToHexString(WriteSample()), Is.EqualTo(SegmentsByVersion[SegmentFormat.CurrentVersion]));
    }

    [Test]
    public void A_segment_written_before_segments_had_a_header_is_still_read()
    {
        var headerless = Convert.FromHexString(SegmentsByVersion[1])[SegmentFormat.HeaderSize..];
        var directory = Path.Combine(DataPath, "headerless");
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "0000000001.seg"), headerless[..^(2 * (LogRecord.HeaderSize + LogRecord.MarkerPayloadSize))]);

        using var log = SegmentLog.Open(directory, TestLogs.Name, TestLogs.Environment(), out var recovered);

        Assert.That(recovered.Select(r => (r.Id, r.ExpiresAt)), Is.EqualTo(new[] { (1L, 1_700_000_000_000L) }));
        Assert.That(log.Read(recovered[0].Location).Body.ToArray(), Is.EqualTo("hi"u8.ToArray()));
        log.AppendPublish(2, Message.Create("x", "k", [0, 0], "new"u8));
        Assert.That(log.SegmentFiles, Has.Count.EqualTo(2), "new records go into a segment of the current version, never into the old one");
        Assert.That(File.ReadAllBytes(log.SegmentFiles[1])[..4], Is.EqualTo(Convert.FromHexString(SegmentsByVersion[1])[..4]));
    }

    [Test]
    public void In_a_segment_of_version_1_every_message_is_a_chunk_of_its_own()
    {
        var directory = Path.Combine(DataPath, "version1");
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "0000000001.seg"), Convert.FromHexString(SegmentsByVersion[1])[..^(2 * (LogRecord.HeaderSize + LogRecord.MarkerPayloadSize))]);

        using var log = SegmentLog.Open(directory, TestLogs.Name, TestLogs.Environment(), out var recovered);

        Assert.That(recovered.Select(r => (r.Id, r.StartsChunk)), Is.EqualTo(new[] { (1L, true) }));
    }

    [Test]
    public void In_a_segment_of_version_2_only_chunk_starts_start_chunks()
    {
        var directory = Path.Combine(DataPath, "version2");
        Directory.CreateDirectory(directory);
        var bytes = Convert.FromHexString(SegmentsByVersion[2]);
        var markers = 2 * (LogRecord.HeaderSize + LogRecord.MarkerPayloadSize);
        var publish = (bytes.Length - SegmentFormat.HeaderSize - markers) / 2;
        File.WriteAllBytes(Path.Combine(directory, "0000000001.seg"), [.. bytes[..(SegmentFormat.HeaderSize + publish)], .. bytes[^publish..]]);

        using var log = SegmentLog.Open(directory, TestLogs.Name, TestLogs.Environment(), out var recovered);

        Assert.That(recovered.Select(r => (r.Id, r.StartsChunk)), Is.EqualTo(new[] { (1L, false), (2L, true) }));
    }

    private byte[] WriteSample()
    {
        var directory = Path.Combine(DataPath, "sample");
        using (var log = SegmentLog.Open(directory, TestLogs.Name, TestLogs.Environment(), out _))
        {
            log.AppendPublish(1, Message.Create("x", "k", TestMessages.PersistentProperties, "hi"u8), expiresAt: 1_700_000_000_000);
            log.AppendDelivered(1);
            log.AppendSettled(1);
            var startsChunk = true;
            log.AppendStreamEntry(2, Message.Create("x", "k", TestMessages.PersistentProperties, "hi"u8), 1_700_000_000_000, ref startsChunk);
        }

        return File.ReadAllBytes(Directory.GetFiles(directory, "*.seg").Single());
    }
}
