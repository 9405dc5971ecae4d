using System.Diagnostics;
using AmqpBroker.Core.Queues;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Storage.Definitions;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Definitions;

[TestFixture]
public sealed class DefinitionBatchTests : TempDirectoryFixture
{
    [Test]
    public void A_batch_disposed_without_commit_leaves_nothing_and_a_committed_one_everything()
    {
        using (var store = SqliteDefinitionStore.Open(DataPath))
        {
            using (store.BeginBatch())
            {
                store.PutVirtualHost("rolled-back");
                store.PutQueue(Queue("rolled-back"));
            }

            using var batch = store.BeginBatch();
            store.PutVirtualHost("committed");
            store.PutQueue(Queue("committed"));
            batch.Commit();
        }

        using var reopened = SqliteDefinitionStore.Open(DataPath);
        var loaded = reopened.Load();
        Assert.That(loaded.VirtualHosts, Is.EqualTo(new[] { "committed" }));
        Assert.That(loaded.Queues.Select(q => q.Name), Is.EqualTo(new[] { "committed" }));
    }

    [Test]
    public void Changes_after_a_batch_commit_on_their_own_again()
    {
        using (var store = SqliteDefinitionStore.Open(DataPath))
        {
            using (var batch = store.BeginBatch())
            {
                store.PutVirtualHost("in-batch");
                batch.Commit();
            }

            store.PutVirtualHost("after");
        }

        using var reopened = SqliteDefinitionStore.Open(DataPath);
        Assert.That(reopened.Load().VirtualHosts, Is.EquivalentTo(new[] { "in-batch", "after" }));
    }

    [Test]
    public void A_hundred_thousand_queues_fit_in_one_batch()
    {
        var stopwatch = Stopwatch.StartNew();
        using (var store = SqliteDefinitionStore.Open(DataPath))
        {
            using var batch = store.BeginBatch();
            for (var i = 0; i < 100_000; i++)
            {
                store.PutQueue(Queue($"q{i}"));
            }

            batch.Commit();
        }

        TestContext.Out.WriteLine($"100,000 queues stored in {stopwatch.ElapsedMilliseconds} ms");
        using var reopened = SqliteDefinitionStore.Open(DataPath);
        Assert.That(reopened.Load().Queues, Has.Count.EqualTo(100_000));
    }

    private static QueueDefinition Queue(string name) => new(name, "/", Durable: true, Exclusive: false, AutoDelete: false, FieldTable.Empty);
}
