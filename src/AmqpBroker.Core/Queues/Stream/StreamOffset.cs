using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>Where a stream consumer starts, from its <c>x-stream-offset</c> argument.</summary>
internal enum StreamOffsetKind
{
    /// <summary>Only messages that arrive after the consumer (the default).</summary>
    Next,

    /// <summary>The oldest message the stream still holds.</summary>
    First,

    /// <summary>The start of the last chunk written.</summary>
    Last,

    /// <summary>A numeric offset.</summary>
    Offset,

    /// <summary>The first chunk written at or after a time (Unix milliseconds).</summary>
    Timestamp,
}

/// <summary>
/// A parsed <c>x-stream-offset</c>, as RabbitMQ's parse_offset_arg reads it: <c>first</c>, <c>last</c>, <c>next</c>,
/// an integer offset, an AMQP timestamp (seconds), or an age string (<c>1h</c>, <c>7D</c>) meaning "now minus that".
/// </summary>
internal readonly record struct StreamOffset(StreamOffsetKind Kind, long Value = 0)
{
    public const string Argument = "x-stream-offset";

    public static readonly StreamOffset Next = new(StreamOffsetKind.Next);

    /// <summary>
    /// Parses the argument at <paramref name="nowMs"/>. An age string that is not one is a 406 naming the value;
    /// a value that crashes RabbitMQ's parser (a string without leading digits, a boolean) is 541 INTERNAL_ERROR.
    /// </summary>
    public static StreamOffset Parse(object? value, bool present, long nowMs, string queueDescription) => value switch
    {
        _ when !present => Next,
        "first" => new(StreamOffsetKind.First),
        "last" => new(StreamOffsetKind.Last),
        "next" => Next,
        AmqpTimestamp timestamp => new(StreamOffsetKind.Timestamp, timestamp.UnixSeconds * 1000),
        string text => StreamAge.ParseArgument(text) is { } age
            ? new(StreamOffsetKind.Timestamp, nowMs - age)
            : throw QueueArguments.Invalid(Argument, queueDescription, $"{{invalid_stream_offset_arg,{{longstr,{ErlangTerms.Format(text)}}}}}"),
        _ when IntegerValues.TryGet(value, out var offset) => new(StreamOffsetKind.Offset, offset),
        _ => throw AmqpException.InternalError(),
    };
}
