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
            Refusal("x-message-tll", "no RabbitMQ release knows it", $"queue '{queue}'"));
    }

    [Test]
    public Task Queue_mode_is_refused_where_the_release_ignores_it() =>
        ExpectQueueArgumentRefusedUnlessActedOnAsync("x-queue-mode", "lazy", actedOn: !Profile.QueueModeIgnored, "ignored since RabbitMQ 3.12");

    [Test]
    public Task A_queue_argument_of_a_later_release_is_refused_on_an_earlier_one() =>
        ExpectQueueArgumentRefusedUnlessActedOnAsync("x-consumer-timeout", 60000, actedOn: Profile.PerQueueConsumerTimeout, "only RabbitMQ 3.12 and later know it");

    [Test]
    public async Task Unknown_consume_and_exchange_arguments_are_refused_and_known_ones_pass()
    {
        var channel = await OpenChannelAsync();
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: false, Args(("x-max-length", 5)))).QueueName;
        await channel.BasicConsumeAsync(queue, autoAck: false, "known", noLocal: false, exclusive: false, Args(("x-priority", 5)), new CollectingConsumer(channel));

        await ExpectClosedAsync(
            () => channel.BasicConsumeAsync(queue, autoAck: false, "typo", noLocal: false, exclusive: false, Args(("x-priorty", 5)), new CollectingConsumer(channel)),
            406,
            Refusal("x-priorty", "no RabbitMQ release knows it", $"queue '{queue}'"));
        channel = await OpenChannelAsync();
        var exchange = ShortName();
        await ExpectClosedAsync(
            () => channel.ExchangeDeclareAsync(exchange, "direct", arguments: Args(("alternate_exchange", "ae"))),
            406,
            Refusal("alternate_exchange", "no RabbitMQ release knows it", $"exchange '{exchange}'"));
    }

    /// <summary>
    /// Declares a queue with <paramref name="argument"/>: accepted where the release acts on it, else refused with 406
    /// naming it and <paramref name="why"/>.
    /// </summary>
    private async Task ExpectQueueArgumentRefusedUnlessActedOnAsync(string argument, object value, bool actedOn, string why)
    {
        var channel = await OpenChannelAsync();
        var queue = Track(ShortName());
        Task Declare() => channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Args((argument, value)));

        if (actedOn)
        {
            await Declare();
            return;
        }

        await ExpectClosedAsync(Declare, 406, Refusal(argument, why, $"queue '{queue}'"));
    }

    /// <summary>The strict mode's refusal of <paramref name="argument"/> on <paramref name="entity"/> (e.g. <c>queue 'q'</c>), for <paramref name="why"/>.</summary>
    private string Refusal(string argument, string why, string entity) =>
        $"PRECONDITION_FAILED - strict mode: RabbitMQ {RabbitMQVersion} would not act on '{argument}' ({why}) for {entity} {InDefaultVhost}";

    /// <summary>A unique name short enough for the whole refusal to fit RabbitMQ's 255-byte reply text.</summary>
    private static string ShortName() => $"strict.{Guid.NewGuid():N}";
}
