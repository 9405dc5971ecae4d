using System.Buffers.Binary;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// Reading the segments back at start: each segment's header is checked, every publish record becomes an
/// entry in id order, found again by binary search when a delivered or settled marker names it; settled
/// entries are dropped at the end. A torn or damaged tail is cut off and logged; anything this build cannot
/// read throws <see cref="UnreadableLogException"/>.
/// </summary>
internal sealed class LogReplay(List<LogSegment> segments, LogEnvironment environment, string name)
{
    private const long SettledLocation = -1;

    private readonly ReplayedEntries _entries = new();
    private byte[] _payload = new byte[4096];

    /// <summary>Intact records read so far (rabbitmq_queue_index_read_ops_total).</summary>
    public long RecordsRead { get; private set; }

    /// <summary>The highest id published, settled or not; -1 before any.</summary>
    public long LastId { get; private set; } = -1;

    public void Read(LogSegment segment)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1 << 20);
        var length = file.Length;
        var damagedAt = ReadHeader(segment, file, length) ?? ApplyRecords(segment, file, length);
        // The whole segment streamed through one buffer: counted as one read.
        environment.Counters?.OnRead(length, start);
        segment.Length = damagedAt ?? length;
        if (damagedAt is { } offset && offset < length)
        {
            // Torn or damaged: nothing after it in this segment can be trusted, and nothing after it was confirmed.
            RecoveryLog.TailCut(environment.RecoveryLogger, name, segment.Path, offset, length - offset);
            environment.Files.Truncate(segment.Path, offset);
        }
    }

    public ReplayedEntries Unsettled()
    {
        _entries.RemoveAll(static e => e.Location == SettledLocation);
        return _entries;
    }

    /// <summary>Sets the segment's version and leaves the stream at its first record; returns 0 when the header itself is torn.</summary>
    private static long? ReadHeader(LogSegment segment, FileStream file, long length)
    {
        Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
        var read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (SegmentFormat.ReadVersion(header[..read], length) is not { } version)
        {
            segment.Version = SegmentFormat.HeaderlessVersion;
            return 0;
        }

        if (version > SegmentFormat.CurrentVersion)
        {
            throw new UnreadableLogException(segment.Path, 0, $"segment format version {version} (this build reads {SegmentFormat.HeaderlessVersion} to {SegmentFormat.CurrentVersion})");
        }

        segment.Version = version;
        file.Position = SegmentFormat.RecordsStart(version);
        return null;
    }

    /// <summary>
    /// Streams the segment's records through one reused buffer (a segment is far too big to read whole)
    /// and applies them in order; returns where the first torn or damaged record starts, if any.
    /// </summary>
    private long? ApplyRecords(LogSegment segment, FileStream file, long length)
    {
        Span<byte> header = stackalloc byte[LogRecord.HeaderSize];
        for (var position = file.Position; position < length;)
        {
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            {
                return position;
            }

            var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (payloadLength < 0 || payloadLength > length - position - LogRecord.HeaderSize)
            {
                return position;
            }

            if (_payload.Length < payloadLength)
            {
                _payload = new byte[payloadLength];
            }

            var payload = _payload.AsSpan(0, payloadLength);
            file.ReadExactly(payload);
            if (!LogRecord.IsIntact(header, payload) || !TryApply(segment, position, LogRecord.KindOf(header), payload))
            {
                return position;
            }

            position += LogRecord.HeaderSize + payloadLength;
            RecordsRead++;
        }

        return null;
    }

    /// <summary>Applies an intact record; false when it is out of id order (damage), throws when this build cannot read it.</summary>
    private bool TryApply(LogSegment segment, long offset, LogRecordKind kind, ReadOnlySpan<byte> payload)
    {
        if (!LogRecord.IsKnown(kind))
        {
            throw new UnreadableLogException(segment.Path, offset, $"unknown record kind {(byte)kind}");
        }

        if (!LogRecord.HoldsMessage(kind))
        {
            if (payload.Length != LogRecord.MarkerPayloadSize)
            {
                throw new UnreadableLogException(segment.Path, offset, $"a {kind} record of {payload.Length} bytes");
            }

            var index = _entries.IndexOf(BinaryPrimitives.ReadInt64LittleEndian(payload));
            if (index >= 0 && _entries.At(index).Location != SettledLocation)
            {
                Mark(index, kind);
            }

            return true;
        }

        if (!PublishRecord.TryParse(payload, out var record))
        {
            throw new UnreadableLogException(segment.Path, offset, "a publish record that does not parse");
        }

        if (record.Id <= LastId)
        {
            return false;
        }

        var summary = ContentSummary.Read(record.Properties);
        _entries.Add(new RecoveredEntry(
            record.Id, segment.LocationOf(offset), record.ExpiresAt, record.Body.Length, summary.Priority,
            HasOwnTtl: summary.ExpirationMs != ContentSummary.NoExpiration, Delivered: false)
        {
            StartsChunk = kind == LogRecordKind.ChunkStart || segment.Version < SegmentFormat.ChunkedVersion,
        });
        segment.AddPublished(record.Id);
        LastId = record.Id;
        return true;
    }

    private void Mark(int index, LogRecordKind kind)
    {
        ref var entry = ref _entries.At(index);
        if (kind == LogRecordKind.Delivered)
        {
            entry = entry with { Delivered = true };
            return;
        }

        LogSegment.PublishedIn(segments, entry.Id)!.Live--;
        entry = entry with { Location = SettledLocation };
    }
}
