using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Messages;

[TestFixture]
public sealed class FileHandleCacheTests : TempDirectoryFixture
{
    [Test]
    public void The_least_recently_used_idle_file_is_closed_first_and_a_pinned_one_never()
    {
        var files = new FaultyFileSystem();
        var cache = new FileHandleCache(files, () => 2);
        var (a, b, c) = (File("a"), File("b"), File("c"));

        cache.Acquire(a);
        cache.Acquire(b);
        cache.Release(b);
        cache.Acquire(c);
        cache.Release(c);

        Assert.That((a.Handle, b.Handle, c.Handle), Is.EqualTo((a.Handle!, (ISegmentFile?)null, c.Handle!)), "b was idle and least recently used; a is pinned");
        Assert.That(files.OpenFiles, Is.EqualTo(2));

        cache.Close(a);
        Assert.That(a.Handle, Is.Not.Null, "a closed segment stays open while it is pinned");
        cache.Release(a);
        Assert.That((a.Handle, files.OpenFiles), Is.EqualTo(((ISegmentFile?)null, 1)));
    }

    [Test]
    public void Many_durable_queues_keep_no_more_files_open_than_the_budget_allows_and_all_recover()
    {
        const int Queues = 200;
        var files = new FaultyFileSystem();
        var alarms = new ResourceAlarms();
        var resources = new NodeResources(alarms, new FileDescriptors(1024, 0, alarms, maxOpenFiles: 16));
        var waiter = new RecordingWaiter();
        using (var store = new SegmentMessageStore(DataPath, new SegmentStoreOptions { Files = files, Resources = resources }))
        {
            var logs = Enumerable.Range(0, Queues).Select(i => store.OpenQueue("/", $"q{i}", out _)!).ToList();
            var locations = logs.Select((log, i) => log.Append(1, TestMessages.Persistent(BitConverter.GetBytes(i), $"q{i}"), QueueEntry.Never)).ToList();
            store.WhenDurable(waiter, 1);
            Assert.That(waiter.Next(), Is.EqualTo((1UL, true)));

            Assert.That(logs.Select((log, i) => BitConverter.ToInt32(log.Read(locations[i]).Body)), Is.EqualTo(Enumerable.Range(0, Queues)));
            Assert.That(store.OpenFiles, Is.LessThanOrEqualTo(16));
        }

        Assert.That(files.MostOpenFiles, Is.LessThanOrEqualTo(16));
        using var reopened = new SegmentMessageStore(DataPath, new SegmentStoreOptions { Files = files, Resources = resources });
        for (var i = 0; i < Queues; i++)
        {
            var log = reopened.OpenQueue("/", $"q{i}", out var recovered)!;
            Assert.That(BitConverter.ToInt32(log.Read(recovered.Single().Location).Body), Is.EqualTo(i));
        }

        Assert.That(files.MostOpenFiles, Is.LessThanOrEqualTo(16));
    }

    private CachedFile File(string name)
    {
        var path = Path.Combine(DataPath, name);
        System.IO.File.WriteAllBytes(path, []);
        return new CachedFile(path);
    }
}
