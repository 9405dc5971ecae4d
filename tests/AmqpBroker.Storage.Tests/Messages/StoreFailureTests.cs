using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Messages;

/// <summary>A failed fsync or write fails the confirms that depend on it, marks the log failed and raises the disk alarm; the store goes on.</summary>
[TestFixture]
public sealed class StoreFailureTests : TempDirectoryFixture
{
    private FaultyFileSystem _files = null!;
    private NodeResources _resources = null!;
    private RecordingLoggerFactory _loggers = null!;
    private SegmentMessageStore _store = null!;

    [SetUp]
    public void OpenStore()
    {
        _files = new FaultyFileSystem();
        _resources = NodeResources.CreateDefault();
        _loggers = new RecordingLoggerFactory();
        _store = new SegmentMessageStore(DataPath, new SegmentStoreOptions { Files = _files, Resources = _resources, LoggerFactory = _loggers });
    }

    [TearDown]
    public void CloseStore()
    {
        _store.Dispose();
        _loggers.Dispose();
    }

    [Test]
    public void A_failed_fsync_fails_its_waiters_raises_the_disk_alarm_and_the_committer_goes_on()
    {
        var failing = _store.OpenQueue("/", "failing", out _)!;
        var healthy = _store.OpenQueue("/", "healthy", out _)!;
        var waiter = new RecordingWaiter();

        _files.FailSyncs = true;
        failing.Append(1, Persistent(), QueueEntry.Never);
        _store.WhenDurable(waiter, 1);
        Assert.That(waiter.Next(), Is.EqualTo((1UL, false)));
        _files.FailSyncs = false;

        Assert.That(_resources.Alarms.IsRaised(AlarmResource.Disk), Is.True);
        Assert.That(_resources.Alarms.Reason, Is.EqualTo("low on disk"));
        var logged = _loggers.Named("LogWriteFailed").Single();
        Assert.That(logged.Level, Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Error));
        Assert.That(logged.Message, Does.Contain("queue 'failing' in vhost '/'").And.Contain("fsync"));

        healthy.Append(1, Persistent(), QueueEntry.Never);
        _store.WhenDurable(waiter, 2);
        Assert.That(waiter.Next(), Is.EqualTo((2UL, true)), "the sync thread survived and other queues are durable again");

        failing.Append(2, Persistent(), QueueEntry.Never);
        _store.WhenDurable(waiter, 3);
        Assert.That(waiter.Next(), Is.EqualTo((3UL, false)), "the failed log stays failed: nothing appended to it is confirmed");
    }

    [Test]
    public void A_failed_write_fails_its_waiters_and_raises_the_disk_alarm()
    {
        var log = _store.OpenQueue("/", "q", out _)!;
        var waiter = new RecordingWaiter();

        _files.FailWrites = true;
        log.Append(1, Persistent(), QueueEntry.Never);
        _store.WhenDurable(waiter, 1);

        Assert.That(waiter.Next(), Is.EqualTo((1UL, false)));
        Assert.That(_resources.Alarms.IsRaised(AlarmResource.Disk), Is.True);
        Assert.That(_loggers.Named("LogWriteFailed").Single().Message, Does.Contain("write"));
    }

    private static Message Persistent() => TestMessages.Persistent("body"u8);
}
