namespace AmqpBroker.Core.Security;

/// <summary>
/// What <see cref="User"/> may publish to and bind from one topic exchange of <see cref="VirtualHost"/>: two
/// regular expressions (unanchored, as RabbitMQ's <c>re:run</c>; empty matches nothing) matched against the
/// routing key of a publish (<see cref="Write"/>) and the binding key of a queue.bind, exchange.bind or unbind
/// (<see cref="Read"/>). <c>{username}</c> and <c>{vhost}</c> in a pattern stand for the user's name and the
/// vhost's. A user without a topic permission on an exchange is not restricted there, as in RabbitMQ.
/// </summary>
public sealed record TopicPermission(string User, string VirtualHost, string Exchange, string Write, string Read);
