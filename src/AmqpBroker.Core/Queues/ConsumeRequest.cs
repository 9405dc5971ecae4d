namespace AmqpBroker.Core.Queues;

/// <summary>
/// A basic.consume as its queue's type checks it: the acknowledgement mode, the prefetch the consumer gets
/// (basic.qos global=false) and the channel's shared one (global=true, RabbitMQ's limiter), and the arguments.
/// </summary>
public readonly record struct ConsumeRequest(bool NoAck, ushort ConsumerPrefetch, ushort ChannelPrefetch, IReadOnlyDictionary<string, object?> Arguments);
