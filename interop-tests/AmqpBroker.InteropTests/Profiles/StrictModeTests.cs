using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Profiles;

/// <summary>
/// The broker's strict mode (no RabbitMQ release has one): an x-argument the chosen release would not act on — a
/// name no release knows, one only other releases know, one the release ignores — is refused with 406 naming it,
/// where RabbitMQ accepts it silently. In-process only.
/// </summary>
[Releases("3.10", "4.2")]
[OwnBrokerOnly("strict mode is this broker's")]
public sealed class StrictModeTests : BrokerTestBase
{
    protected override BrokerOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.Settings = options.Settings with { Strict = true };
        return options;
    }

    [Test]
    public async Task A_misspelt_queue_argument_is_refused_by_name()
    {
        var channel = await OpenChannelAsync();
        var queue = ShortName();

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Args(("x-message-tll", 1000), ("x-max-length", 5))),
            406,
            $"PRECONDITION_FAILED - strict mode: RabbitMQ {RabbitMQVersion} would not act on 'x-message-tll' (no RabbitMQ release knows it) for queue '{queue}' {InDefaultVhost}");
    }

    [Test]
    public async Task Queue_mode_is_refused_where_the_release_ignores_it()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(ShortName());
        Task Declare() => channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Args(("x-queue-mode", "lazy")));

        if (!Profile.QueueModeIgnored)
        {
            await Declare();
            return;
        }

        await ExpectClosedAsync(
            Declare,
            406,
            $"PRECONDITION_FAILED - strict mode: RabbitMQ {RabbitMQVersion} would not act on 'x-queue-mode' (ignored since RabbitMQ 3.12) for queue '{queue}' {InDefaultVhost}");
    }

    [Test]
    public async Task A_queue_argument_of_a_later_release_is_refused_on_an_earlier_one()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(ShortName());
        Task Declare() => channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Args(("x-consumer-timeout", 60000)));

        if (Profile.PerQueueConsumerTimeout)
        {
            await Declare();
            return;
        }

        await ExpectClosedAsync(
            Declare,
            406,
            $"PRECONDITION_FAILED - strict mode: RabbitMQ {RabbitMQVersion} would not act on 'x-consumer-timeout' (only RabbitMQ 3.12 and later know it) for queue '{queue}' {InDefaultVhost}");
    }

    [Test]
    public async Task Unknown_consume_and_exchange_arguments_are_refused_and_known_ones_pass()
    {
        var channel = await OpenChannelAsync();
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: false, Args(("x-max-length", 5)))).QueueName;
        await channel.BasicConsumeAsync(queue, autoAck: false, "known", noLocal: false, exclusive: false, Args(("x-priority", 5)), new CollectingConsumer(channel));

        await ExpectClosedAsync(
            () => channel.BasicConsumeAsync(queue, autoAck: false, "typo", noLocal: false, exclusive: false, Args(("x-priorty", 5)), new CollectingConsumer(channel)),
            406,
            $"PRECONDITION_FAILED - strict mode: RabbitMQ {RabbitMQVersion} would not act on 'x-priorty' (no RabbitMQ release knows it) for queue '{queue}' {InDefaultVhost}");
        channel = await OpenChannelAsync();
        var exchange = ShortName();
        await ExpectClosedAsync(
            () => channel.ExchangeDeclareAsync(exchange, "direct", arguments: Args(("alternate_exchange", "ae"))),
            406,
            $"PRECONDITION_FAILED - strict mode: RabbitMQ {RabbitMQVersion} would not act on 'alternate_exchange' (no RabbitMQ release knows it) for exchange '{exchange}' {InDefaultVhost}");
    }

    /// <summary>A unique name short enough for the whole refusal to fit RabbitMQ's 255-byte reply text.</summary>
    private static string ShortName() => $"strict.{Guid.NewGuid():N}";
}
