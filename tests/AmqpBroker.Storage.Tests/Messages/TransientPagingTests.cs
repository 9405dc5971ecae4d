using System.Text;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Messages;

/// <summary>
/// The temporary files queues page transient messages to: read back exactly, in and across segments, from the
/// buffer or the file; deleted as their messages are released, when the queue goes, and at start; bounded by the
/// descriptor budget; and a failed write keeps what it could not write in memory and raises the disk alarm.
/// </summary>
[TestFixture]
public sealed class TransientPagingTests : TempDirectoryFixture
{
    private const long SmallSegments = 64 * 1024;

    private FaultyFileSystem _files = null!;
    private NodeResources _resources = null!;
    private RecordingLoggerFactory _loggers = null!;
    private SegmentMessageStore _store = null!;

    private string TransientPath => Path.Combine(DataPath, "transient");

    [SetUp]
    public void OpenStore()
    {
        _files = new FaultyFileSystem();
        var alarms = new ResourceAlarms();
        _resources = new NodeResources(alarms, new FileDescriptors(1024, 0, alarms, maxOpenFiles: 8));
        _loggers = new RecordingLoggerFactory();
        _store = new SegmentMessageStore(DataPath, new SegmentStoreOptions { Files = _files, Resources = _resources, LoggerFactory = _loggers, SegmentSize = SmallSegments });
    }

    [TearDown]
    public void CloseStore()
    {
        _store.Dispose();
        _loggers.Dispose();
    }

    [Test]
    public void Messages_come_back_exactly_across_segments_and_released_segments_are_deleted()
    {
        var pages = _store.OpenTransientPages("/", "q")!;
        var sizes = Enumerable.Range(0, 120).Select(i => i % 10 == 9 ? 100_000 : 1 + (i * 37 % 3000)).ToList();
        var locations = sizes.Select((size, i) => pages.Append(Body(i, size))).ToList();

        Assert.That(locations, Is.All.GreaterThanOrEqualTo(0));
        Assert.That(Directory.GetFiles(TransientPath), Has.Length.GreaterThan(5), "64 KiB segments roll over");
        for (var i = 0; i < locations.Count; i++)
        {
            var message = pages.Read(locations[i]);
            Assert.That(message.Body.ToArray(), Is.EqualTo(Body(i, sizes[i]).Body.ToArray()), $"message {i}");
            Assert.That(message.Properties.ToArray(), Is.EqualTo(Properties));
            Assert.That(message.RoutingKey, Is.EqualTo("q"));
        }

        foreach (var location in locations.Take(60))
        {
            pages.Release(location);
        }

        var left = Directory.GetFiles(TransientPath).Length;
        Assert.That(left, Is.GreaterThan(0).And.LessThan(sizes.Count / 2), "fully released segments went");
        foreach (var location in locations.Skip(60))
        {
            pages.Release(location);
        }

        Assert.That(Directory.GetFiles(TransientPath), Is.Empty, "an emptied queue holds no file, not even the segment it was writing");
        Assert.That(pages.Read(pages.Append(Body(7, 10))).Body.ToArray(), Is.EqualTo(Body(7, 10).Body.ToArray()), "paging goes on in a new segment");
    }

    [TestCase(-1)]
    [TestCase(int.MaxValue)]
    public void A_damaged_length_in_the_file_reads_back_as_invalid_data(int damagedLength)
    {
        var pages = _store.OpenTransientPages("/", "q")!;
        var first = pages.Append(Body(0, 100));
        pages.Append(Body(1, 100_000)); // too large for the first segment: that one's buffered record is written out
        var firstSegment = Directory.GetFiles(TransientPath).Single(f => f.EndsWith($"-{first >> 32}.tmp", StringComparison.Ordinal));
        using (var file = File.Open(firstSegment, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Write(BitConverter.GetBytes(damagedLength));
        }

        // The queue skips a message on InvalidDataException (see IQueueLog.Read), not on an out-of-range error.
        Assert.Throws<InvalidDataException>(() => pages.Read(first));
    }

    [Test]
    public void A_deleted_queue_and_a_restart_leave_no_temporary_file()
    {
        var deleted = _store.OpenTransientPages("/", "deleted")!;
        var kept = _store.OpenTransientPages("/", "kept")!;
        deleted.Append(Body(0, 200_000));
        kept.Append(Body(1, 200_000));
        Assert.That(Directory.GetFiles(TransientPath), Has.Length.EqualTo(2));

        deleted.Dispose();
        Assert.That(Directory.GetFiles(TransientPath), Has.Length.EqualTo(1));
        Assert.That(deleted.Append(Body(2, 10)), Is.EqualTo(ITransientPages.NotPaged), "a deleted queue pages nothing");

        // A crash leaves the file behind; the next start deletes it.
        File.Copy(Directory.GetFiles(TransientPath)[0], Path.Combine(TransientPath, "99-1.tmp"));
        using (new SegmentMessageStore(DataPath, new SegmentStoreOptions { Resources = _resources }))
        {
            Assert.That(Directory.GetFiles(TransientPath), Is.Empty);
        }
    }

    [Test]
    public void A_failed_write_keeps_the_messages_in_memory_raises_the_disk_alarm_and_paging_resumes_once_they_are_released()
    {
        var pages = _store.OpenTransientPages("/", "q")!;
        var written = pages.Append(Body(100, 100_000));
        _files.FailWrites = true;
        var buffered = Enumerable.Range(0, 10).Select(i => pages.Append(Body(i, 100))).ToList();

        Assert.That(pages.Append(Body(10, 100_000)), Is.EqualTo(ITransientPages.NotPaged), "the write of the large message failed: it stays with its queue");
        Assert.That(pages.Append(Body(11, 100)), Is.EqualTo(ITransientPages.NotPaged), "paging is off after a failure");
        Assert.That(_resources.Alarms.IsRaised(AlarmResource.Disk), Is.True);
        Assert.That(_loggers.Named("TransientPagingFailed").Single().Message, Does.Contain("queue 'q' in vhost '/'").And.Contain("write"));
        for (var i = 0; i < buffered.Count; i++)
        {
            Assert.That(pages.Read(buffered[i]).Body.ToArray(), Is.EqualTo(Body(i, 100).Body.ToArray()), "what the failed write held is still there");
            pages.Release(buffered[i]);
        }

        Assert.That(pages.Read(written).Body.ToArray(), Is.EqualTo(Body(100, 100_000).Body.ToArray()), "what was written before the failure is read from the file");
        pages.Release(written);

        _files.FailWrites = false;
        var location = pages.Append(Body(12, 100_000));
        Assert.That(location, Is.GreaterThanOrEqualTo(0), "once its messages are released, the file is tried again");
        Assert.That(pages.Read(location).Body.ToArray(), Is.EqualTo(Body(12, 100_000).Body.ToArray()));
    }

    [Test]
    public void Temporary_files_stay_within_the_descriptor_budget()
    {
        var queues = Enumerable.Range(0, 40).Select(i => _store.OpenTransientPages("/", $"q{i}")!).ToList();
        var locations = queues.Select((pages, i) => pages.Append(Body(i, 100_000))).ToList();

        for (var i = 0; i < queues.Count; i++)
        {
            Assert.That(queues[i].Read(locations[i]).Body.ToArray(), Is.EqualTo(Body(i, 100_000).Body.ToArray()));
        }

        Assert.That(Directory.GetFiles(TransientPath), Has.Length.EqualTo(40));
        Assert.That(_files.MostOpenFiles, Is.LessThanOrEqualTo(8));
    }

    [Test]
    public async Task Memory_pressure_follows_the_memory_alarm()
    {
        var pages = _store.OpenTransientPages("/", "q")!;
        Assert.That(pages.UnderMemoryPressure, Is.False);
        Assert.That(pages.InMemoryLimit, Is.EqualTo(SegmentMessageStore.DefaultInMemoryLimit));

        _resources.Alarms.Raise(AlarmResource.Memory);
        Assert.That(await WithinASecondAsync(() => pages.UnderMemoryPressure), Is.True);

        _resources.Alarms.Clear(AlarmResource.Memory);
        Assert.That(await WithinASecondAsync(() => !pages.UnderMemoryPressure), Is.True);
    }

    [Test]
    public async Task While_the_memory_alarm_is_raised_queues_are_asked_to_page_out_what_they_hold_in_memory()
    {
        var asked = 0;
        var pages = _store.OpenTransientPages("/", "q")!;
        pages.OnMemoryPressure(() =>
        {
            Interlocked.Increment(ref asked);
            return 0;
        });

        _resources.Alarms.Raise(AlarmResource.Memory);

        Assert.That(await WithinASecondAsync(() => Volatile.Read(ref asked) > 0), Is.True);
    }

    private static readonly byte[] Properties = [0x10, 0x00, 0x01];

    /// <summary>A transient message whose body is <paramref name="size"/> bytes derived from <paramref name="seed"/>.</summary>
    private static Message Body(int seed, int size)
    {
        var body = new byte[size];
        new Random(seed).NextBytes(body);
        Encoding.ASCII.GetBytes(seed.ToString()).CopyTo(body, 0);
        return Message.Create(string.Empty, "q", Properties, body);
    }

    /// <summary>The alarm is looked at once a millisecond: polls until <paramref name="condition"/> holds, for at most a second.</summary>
    private static async Task<bool> WithinASecondAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(1);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1);
        }

        return condition();
    }
}
