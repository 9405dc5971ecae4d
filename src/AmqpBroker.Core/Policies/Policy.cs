namespace AmqpBroker.Core.Policies;

/// <summary>
/// A RabbitMQ policy: in <see cref="VirtualHost"/>, the queues and/or exchanges (<see cref="ApplyTo"/>) whose
/// names match <see cref="Pattern"/> (a regular expression, matched unanchored) take the settings in
/// <see cref="Definition"/> (<c>message-ttl</c>, <c>max-length</c>, <c>dead-letter-exchange</c>, …). Of the
/// policies matching one queue or exchange only the one with the highest <see cref="Priority"/> applies.
/// Definition values are plain .NET values as JSON gives them: string, bool, integral numbers, double,
/// null, lists of values and string-keyed dictionaries of values.
/// </summary>
public sealed record Policy(
    string VirtualHost,
    string Name,
    string Pattern,
    PolicyApplyTo ApplyTo,
    int Priority,
    IReadOnlyDictionary<string, object?> Definition);
