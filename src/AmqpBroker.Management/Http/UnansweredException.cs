namespace AmqpBroker.Management.Http;

/// <summary>
/// A request on which the RabbitMQ release's handler crashes: Cowboy then answers 500 with an empty body
/// (cowboy_stream_h's early error response). Thrown by handlers and written by <see cref="ErrorMiddleware"/>.
/// </summary>
internal sealed class UnansweredException() : Exception("the RabbitMQ release's handler crashes on this request");
