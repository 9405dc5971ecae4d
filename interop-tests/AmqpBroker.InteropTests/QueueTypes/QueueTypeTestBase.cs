using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Base of the quorum queue and stream fixtures: the in-process broker behaves as RabbitMQ 3.10 (the release
/// on this machine, where both types run on a single node), so that every test also passes against
/// <c>AMQP_URI</c>; fixtures of other releases override <see cref="Release"/>. Quorum queues and streams are
/// durable and non-exclusive by rule, so they are declared that way here.
/// </summary>
public abstract class QueueTypeTestBase : BrokerTestBase
{
    /// <summary>The RabbitMQ release the in-process broker behaves as.</summary>
    protected virtual string Release => "3.10";

    protected override BrokerOptions CreateOptions() => WithRelease(base.CreateOptions(), Release);

    /// <summary>Fixtures of a later release run in-process only: the RabbitMQ at <c>AMQP_URI</c> is 3.10.</summary>
    [SetUp]
    public void SkipLaterReleasesAgainstRabbitMq()
    {
        if (IsExternal && Release != "3.10")
        {
            Assert.Ignore($"the RabbitMQ at AMQP_URI is 3.10; these expect {Release}");
        }
    }

    /// <summary>Makes the in-process broker behave as <paramref name="release"/> (for fixtures with another base).</summary>
    internal static BrokerOptions WithRelease(BrokerOptions options, string release)
    {
        options.RabbitMQVersion = release;
        return options;
    }

    /// <summary>Declares a quorum queue with a unique name and these arguments.</summary>
    protected Task<string> DeclareQuorumAsync(IChannel channel, params (string Key, object? Value)[] arguments) =>
        DeclareTypedAsync(channel, "quorum", arguments);

    /// <summary>A new connection with a confirm channel, and a quorum queue with a unique name and these arguments.</summary>
    protected async Task<(IChannel Channel, string Queue)> OpenChannelWithQuorumAsync(params (string Key, object? Value)[] arguments)
    {
        var channel = await OpenConfirmChannelAsync();
        return (channel, await DeclareQuorumAsync(channel, arguments));
    }

    /// <summary>Declares a stream with a unique name and these arguments.</summary>
    protected Task<string> DeclareStreamAsync(IChannel channel, params (string Key, object? Value)[] arguments) =>
        DeclareTypedAsync(channel, "stream", arguments);

    /// <summary>A short unique name, keeping reply texts that quote it well under 255 bytes.</summary>
    protected string ShortName(string prefix) => Track($"{prefix}-{Guid.NewGuid():N}");

    private async Task<string> DeclareTypedAsync(IChannel channel, string type, (string Key, object? Value)[] arguments)
    {
        var name = ShortName(type[..1] + "q");
        var table = Args([.. arguments, ("x-queue-type", type)]);
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, table);
        return name;
    }
}
