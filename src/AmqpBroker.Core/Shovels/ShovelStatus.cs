namespace AmqpBroker.Core.Shovels;

/// <summary>
/// What a dynamic shovel reports, as RabbitMQ's <c>rabbit_shovel_status</c> does: <c>starting</c> (connecting,
/// or waiting to reconnect), <c>running</c> with its endpoints, or <c>terminated</c> with the reason, and when
/// it last changed.
/// </summary>
/// <param name="VirtualHost">The vhost of the shovel's parameter.</param>
/// <param name="Name">The shovel's name.</param>
/// <param name="State"><c>starting</c>, <c>running</c> or <c>terminated</c>.</param>
/// <param name="Timestamp">When the state was reported.</param>
/// <param name="Details">
/// While running, RabbitMQ's fields in its order: <c>src_uri</c>, <c>src_protocol</c>, <c>dest_protocol</c>,
/// <c>dest_uri</c>, then the source and destination endpoints (<c>src_queue</c> or <c>src_exchange</c> and
/// <c>src_exchange_key</c>; <c>dest_queue</c>, or <c>dest_exchange</c> and <c>dest_exchange_key</c>); when
/// terminated, <c>reason</c>.
/// </param>
public sealed record ShovelStatus(string VirtualHost, string Name, string State, DateTimeOffset Timestamp, IReadOnlyList<KeyValuePair<string, string>> Details)
{
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Terminated = "terminated";
}
