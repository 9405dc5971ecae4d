namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// A quorum queue has no transient messages: every message is logged and confirmed after the fsync, so a
/// transient one survives a restart and a SIGKILL of the broker like a persistent one, and is delivered with
/// the delivery mode it was published with. In-process brokers on a data directory, and the executable killed.
/// </summary>
public sealed class QuorumDurabilityTests : QueueTypeRestartFixture
{
    [Test]
    public async Task Transient_messages_come_back_after_a_restart_with_their_delivery_mode()
    {
        await WithBrokerAsync(async (connection, _) =>
        {
            await using var channel = await connection.CreateChannelAsync(Confirms);
            await channel.QueueDeclareAsync("qq", durable: true, exclusive: false, autoDelete: false, QuorumArguments);
            await PublishAsync(channel, "qq", "transient", persistent: false);
            await PublishAsync(channel, "qq", "persistent", persistent: true);
            await channel.BasicGetAsync("qq", autoAck: false);
        });

        await WithBrokerAsync(async (_, channel) =>
        {
            var first = await channel.BasicGetAsync("qq", autoAck: true);
            var second = await channel.BasicGetAsync("qq", autoAck: true);

            Assert.That((Text(first!), first!.Redelivered, first.BasicProperties.DeliveryMode), Is.EqualTo(("transient", true, DeliveryModes.Transient)));
            Assert.That((Text(second!), second!.Redelivered, second.BasicProperties.DeliveryMode), Is.EqualTo(("persistent", false, DeliveryModes.Persistent)));
        });
    }

    [Test]
    public async Task Confirmed_transient_messages_survive_SIGKILL()
    {
        const int Messages = 200;

        var bodies = await PublishConfirmedThenKillAsync("qq", QuorumArguments, Messages, async channel => (await DrainAsync(channel, "qq")).Select(m => m.Body));

        Assert.That(bodies, Is.EqualTo(Enumerable.Range(0, Messages).Select(i => $"{i}")), "every confirmed message, once, in order");
    }

    private static Dictionary<string, object?> QuorumArguments => new() { ["x-queue-type"] = "quorum" };

    private static string Text(BasicGetResult got) => Encoding.UTF8.GetString(got.Body.Span);
}
