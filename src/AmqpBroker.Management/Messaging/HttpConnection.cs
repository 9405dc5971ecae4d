using AmqpBroker.Core;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Messaging;

/// <summary>
/// The connection an admin API call acts as when it declares, binds, publishes or gets: never registered
/// with the broker and never owning anything, so exclusive queues of AMQP clients stay locked to it, as
/// they do to RabbitMQ's management plugin. It connects at the broker's time.
/// </summary>
internal static class HttpConnection
{
    public static ClientConnection For(ApiUser user, string virtualHost) =>
        new("HTTP API", user.User, virtualHost, FieldTable.Empty, user.Time.GetUtcNow(), static _ => { });
}
