using System.Buffers.Binary;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// Reading the segments back at start: every publish record becomes an entry in id order, found again by
/// binary search when a delivered or settled marker names it; settled entries are dropped at the end.
/// </summary>
internal sealed class LogReplay(List<LogSegment> segments)
{
    private const long SettledLocation = -1;

    private readonly ReplayedEntries _entries = new();
    private byte[] _payload = new byte[4096];

    /// <summary>The highest id published, settled or not; -1 before any.</summary>
    public long LastId { get; private set; } = -1;

    public void Read(LogSegment segment)
    {
        if (ApplyRecords(segment) is { } damagedAt)
        {
            // Torn or damaged: nothing after it in this segment can be trusted.
            using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.Write);
            file.SetLength(damagedAt);
            file.Flush(flushToDisk: true);
        }
    }

    public ReplayedEntries Unsettled()
    {
        _entries.RemoveAll(static e => e.Location == SettledLocation);
        return _entries;
    }

    /// <summary>
    /// Streams the segment's records through one reused buffer (a segment is far too big to read whole)
    /// and applies them in order; returns where the first torn or damaged record starts, if any.
    /// </summary>
    private long? ApplyRecords(LogSegment segment)
    {
        using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1 << 20);
        var length = file.Length;
        Span<byte> header = stackalloc byte[LogRecord.HeaderSize];
        for (var position = 0L; position < length;)
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
            if (!LogRecord.IsIntact(header, payload, out var kind) || !TryApply(segment, position, kind, payload))
            {
                return position;
            }

            position += LogRecord.HeaderSize + payloadLength;
        }

        return null;
    }

    private bool TryApply(LogSegment segment, long offset, LogRecordKind kind, ReadOnlySpan<byte> payload)
    {
        if (kind != LogRecordKind.Publish)
        {
            var index = _entries.IndexOf(BinaryPrimitives.ReadInt64LittleEndian(payload));
            if (index >= 0 && _entries.At(index).Location != SettledLocation)
            {
                Mark(index, kind);
            }

            return true;
        }

        if (!PublishRecord.TryParse(payload, out var record) || record.Id <= LastId)
        {
            return false;
        }

        var summary = ContentSummary.Read(record.Properties);
        _entries.Add(new RecoveredEntry(
            record.Id, segment.LocationOf(offset), record.ExpiresAt, record.Body.Length, summary.Priority,
            HasOwnTtl: summary.ExpirationMs != ContentSummary.NoExpiration, Delivered: false));
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
