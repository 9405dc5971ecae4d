namespace AmqpBroker.Core.Security;

/// <summary>
/// What <see cref="User"/> may do in <see cref="VirtualHost"/>: three regular expressions matched (unanchored,
/// as RabbitMQ's <c>re:run</c>) against the names of the exchanges and queues an operation configures,
/// writes to or reads from. An empty pattern matches nothing, <c>.*</c> everything. The default exchange
/// is matched by the name <c>amq.default</c>.
/// </summary>
public sealed record Permission(string User, string VirtualHost, string Configure, string Write, string Read);
