using System.Globalization;
using System.Text.Json.Nodes;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// kill -9 of the broker that holds a shovel's source queue and runs the shovel, in the middle of an
/// on-confirm transfer: after the restart the shovel (recovered from the definitions) carries on, nothing
/// that was confirmed to the publisher is lost, and the only harm is duplicates — messages the destination
/// had confirmed whose source ack the kill prevented — which the test counts.
/// </summary>
[NonParallelizable]
public sealed class ShovelCrashTests
{
    private const int Messages = 100_000;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private string _root = "";
    private BrokerProcess? _source;
    private BrokerHost? _destination;

    [SetUp]
    public void CreateDirectory() => _root = ShovelRig.TempDirectory("crash");

    [TearDown]
    public async Task CleanUpAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        if (_destination is not null)
        {
            await _destination.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task Killing_the_source_broker_mid_transfer_loses_no_confirmed_message()
    {
        _destination = await ShovelRig.StartBrokerAsync(Path.Combine(_root, "destination"));
        await using var destinationConnection = await LoopbackFactory.For(_destination.AmqpEndPoint.Port).CreateConnectionAsync();
        await ShovelRig.DeclareDurableQueueAsync(destinationConnection, "orders");
        var sourceData = Path.Combine(_root, "source");
        var ready = await StartSourceAsync(sourceData);
        await using (var publisher = await LoopbackFactory.For(ready.Port).CreateConnectionAsync())
        {
            await ShovelRig.DeclareDurableQueueAsync(publisher, "orders");
            await ShovelRig.PublishAsync(publisher, "orders", 0, Messages);
        }

        using (var admin = ShovelRig.Admin(new Uri($"http://127.0.0.1:{ready.ManagementPort}/")))
        {
            await ShovelRig.PutShovelAsync(admin, "migrate-orders", new JsonObject
            {
                ["src-uri"] = "amqp://",
                ["src-queue"] = "orders",
                ["src-delete-after"] = "queue-length",
                ["dest-uri"] = ShovelRig.UriOf(_destination),
                ["dest-queue"] = "orders",
                ["ack-mode"] = "on-confirm",
                ["reconnect-delay"] = 1,
            });
            await ShovelRig.WaitUntilAsync(async () => await ShovelRig.CountAsync(destinationConnection, "orders") >= Messages / 4, "a quarter to arrive");
        }

        await _source!.KillAsync(TimeSpan.FromSeconds(10));
        var movedBeforeKill = await ShovelRig.CountAsync(destinationConnection, "orders");
        ready = await StartSourceAsync(sourceData);
        using (var admin = ShovelRig.Admin(new Uri($"http://127.0.0.1:{ready.ManagementPort}/")))
        {
            // The recovered shovel measures the queue again and deletes itself once it has moved what was left.
            await ShovelRig.WaitUntilAsync(async () => await ShovelRig.StatusAsync(admin, "migrate-orders") is null, "the recovered shovel to finish");
        }

        await using (var check = await LoopbackFactory.For(ready.Port).CreateConnectionAsync())
        {
            Assert.That(await ShovelRig.CountAsync(check, "orders"), Is.Zero);
        }

        var total = (int)await ShovelRig.CountAsync(destinationConnection, "orders");
        var received = await ShovelRig.DrainAsync(destinationConnection, "orders", total);
        var distinct = received.ToHashSet();
        await TestContext.Out.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"killed after {movedBeforeKill} of {Messages} had arrived; {total} arrived in all, {total - distinct.Count} duplicates"));
        Assert.That(distinct, Is.EquivalentTo(Enumerable.Range(0, Messages)), "every confirmed message arrived");
    }

    private async Task<BrokerReady> StartSourceAsync(string dataDirectory)
    {
        _source = BrokerProcess.Start(["--port", "0", "--management-port", "0", "--bind", "127.0.0.1", "--data-dir", dataDirectory], [], _root);
        return await _source.WaitForReadyAsync(StartDeadline);
    }
}
