namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// x-queue-type: classic is accepted everywhere (quorum queues and streams have fixtures of their own under
/// QueueTypes/); other values and types get RabbitMQ's 406 texts.
/// </summary>
public sealed class QueueTypeTests : BrokerTestBase
{
    [Test]
    public async Task A_classic_queue_type_is_accepted_and_works()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(UniqueName());

        var ok = await channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { ["x-queue-type"] = "classic" });
        await PublishAsync(channel, queue, "m");
        var got = await GetEventuallyAsync(channel, queue);

        Assert.That(ok.QueueName, Is.EqualTo(queue));
        Assert.That(Text(got.Body), Is.EqualTo("m"));
    }

    [TestCase(null, "classic")]
    [TestCase("classic", null)]
    [TestCase("classic", "classic")]
    public async Task Classic_with_or_without_the_argument_is_the_same_on_redeclare(string? first, string? second)
    {
        var channel = await OpenChannelAsync();
        var queue = Track(UniqueName());

        await channel.QueueDeclareAsync(queue, false, false, false, TypeArguments(first));
        var ok = await channel.QueueDeclareAsync(queue, false, false, false, TypeArguments(second));

        Assert.That(ok.QueueName, Is.EqualTo(queue));
        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task An_unknown_queue_type_is_refused_with_406()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(UniqueName());

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, false, false, false, TypeArguments("foo")), 406, $"PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue '{queue}' in vhost '/': \"unsupported queue type 'foo'\"");
    }

    [Test]
    public async Task A_non_string_queue_type_is_refused_with_406()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(UniqueName());

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { ["x-queue-type"] = 1 }), 406, $"PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue '{queue}' in vhost '/': {{unacceptable_type,signedint}}");
    }

    private static Dictionary<string, object?> TypeArguments(string? type) =>
        type is null ? [] : new Dictionary<string, object?> { ["x-queue-type"] = type };
}
