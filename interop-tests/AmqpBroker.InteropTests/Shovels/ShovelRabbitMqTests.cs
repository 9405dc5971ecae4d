using System.Net;
using System.Text.Json.Nodes;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// Ours → RabbitMQ and back, the migration path: a shovel in our broker moves a queue into RabbitMQ, then
/// RabbitMQ's own shovel plugin moves it back into ours; both with on-confirm and queue-length, both delete
/// themselves. Runs only when <c>AMQP_URI</c> and <c>MANAGEMENT_URI</c> point at a RabbitMQ with
/// rabbitmq_shovel enabled.
/// </summary>
[NonParallelizable]
public sealed class ShovelRabbitMqTests
{
    private const int Messages = 10_000;

    [Test]
    public async Task A_queue_moves_from_our_broker_to_rabbitmq_and_back_in_order()
    {
        if (Environment.GetEnvironmentVariable("AMQP_URI") is not { Length: > 0 } rabbitUri
            || Environment.GetEnvironmentVariable("MANAGEMENT_URI") is not { Length: > 0 } rabbitManagement)
        {
            Assert.Ignore("needs AMQP_URI and MANAGEMENT_URI of a RabbitMQ with the shovel plugin");
            return;
        }

        var directory = ShovelRig.TempDirectory("rabbit");
        var queue = $"shovel-roundtrip-{Guid.NewGuid():N}";
        await using var ours = await ShovelRig.StartBrokerAsync(directory);
        using var ourAdmin = ShovelRig.Admin(ours.ManagementUri!);
        using var rabbitAdmin = ShovelRig.Admin(new Uri(rabbitManagement));
        var rabbit = new ConnectionFactory { Uri = new Uri(rabbitUri), AutomaticRecoveryEnabled = false };
        await using var rabbitConnection = await rabbit.CreateConnectionAsync();
        await using var ourConnection = await LoopbackFactory.For(ours.AmqpEndPoint.Port).CreateConnectionAsync();
        try
        {
            await ShovelRig.DeclareDurableQueueAsync(ourConnection, queue);
            await ShovelRig.PublishAsync(ourConnection, queue, 0, Messages);

            await ShovelRig.PutShovelAsync(ourAdmin, "to-rabbitmq", Migration(queue, rabbitUri.TrimEnd('/')));
            await ShovelRig.WaitUntilAsync(async () => await ShovelRig.StatusAsync(ourAdmin, "to-rabbitmq") is null, "our shovel to finish");
            Assert.That(await ShovelRig.CountAsync(rabbitConnection, queue), Is.EqualTo(Messages));
            Assert.That(await ShovelRig.CountAsync(ourConnection, queue), Is.Zero);

            var back = Migration(queue, ShovelRig.UriOf(ours));
            back["dest-queue"] = queue + "-back";
            await ShovelRig.PutShovelAsync(rabbitAdmin, queue, back);
            await ShovelRig.WaitUntilAsync(async () => await ShovelRig.StatusAsync(rabbitAdmin, queue) is null, "RabbitMQ's shovel to finish");
            Assert.That(await ShovelRig.CountAsync(rabbitConnection, queue), Is.Zero);
            var received = await ShovelRig.DrainAsync(ourConnection, queue + "-back", Messages);
            Assert.That(received, Is.EqualTo(Enumerable.Range(0, Messages)));
        }
        finally
        {
            await rabbitAdmin.DeleteAsync($"api/parameters/shovel/%2F/{queue}");
            await using var cleanup = await rabbitConnection.CreateChannelAsync();
            await cleanup.QueueDeleteAsync(queue);
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The migration guide's shovel: move what the queue holds to the same queue over there, then delete itself.</summary>
    private static JsonObject Migration(string queue, string destination) => new()
    {
        ["src-uri"] = "amqp://",
        ["src-queue"] = queue,
        ["src-delete-after"] = "queue-length",
        ["dest-uri"] = destination,
        ["dest-queue"] = queue,
        ["ack-mode"] = "on-confirm",
    };
}
