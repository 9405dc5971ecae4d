namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Base of the quorum queue and stream fixtures (both types run on a single node in every release, 3.10 included, so
/// the same tests pass against <c>AMQP_URI</c>). Quorum queues and streams are durable and non-exclusive by rule, so
/// they are declared that way here.
/// </summary>
public abstract class QueueTypeTestBase : BrokerTestBase
{
    /// <summary>
    /// The 406 of a redeclaration whose <c>x-queue-type</c> differs (null: left out). From 4.0 a declaration without it
    /// records the type it got (rabbit_amqqueue:augment_declare_args at v4.0.1), so a left-out type compares as 'classic'.
    /// </summary>
    protected string TypeInequivalence(string queue, string? received, string? current)
    {
        if (Profile.RecordsDefaultQueueType)
        {
            (received, current) = (received ?? "classic", current ?? "classic");
        }

        static string Value(string? type) => type is null ? "none" : $"the value '{type}' of type 'longstr'";
        var difference = received is not null && current is not null
            ? $"received '{received}' but current is '{current}'"
            : $"received {Value(received)} but current is {Value(current)}";
        return $"PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '{queue}' {InDefaultVhost}: {difference}";
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
}
