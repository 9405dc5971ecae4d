using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Messaging;

/// <summary>
/// POST /api/exchanges/{vhost}/{name}/publish: one message through Core's publish pipeline, so the rules of
/// an AMQP publish apply (size, write permission, user_id, expiration, missing and internal exchanges). As in
/// RabbitMQ, whose management plugin publishes through a channel in confirm mode, a refusal is a 400 carrying the AMQP
/// code and text, a queue that refuses the message (basic.nack) is a 400 <c>rejected</c>, and the answer waits for the
/// confirm (a persistent message in a durable queue is on disk first), from 4.2.9 and 4.3.3 for at most
/// <see cref="Core.Profiles.VersionProfile.HttpPublishConfirmTimeout"/> (rabbit_mgmt_wm_exchange_publish:bad/3).
/// </summary>
internal static class HttpPublisher
{
    private const string RejectedReason = "rejected Unable to publish message. Check queue limits.";

    private const string ConfirmTimeoutReason = "confirm_timeout Timed out waiting for a publisher confirm. The message may still "
        + "have been enqueued. Check the health of the queues bound to this exchange.";

    /// <summary>Publishes, waits for the confirm and returns whether any queue received the message.</summary>
    public static async Task<bool> PublishAsync(Broker broker, VirtualHost virtualHost, string exchangeName, JsonBody body, ApiUser user, CancellationToken cancellationToken)
    {
        var outcome = Publish(broker, virtualHost, exchangeName, body, user);
        if (outcome.Rejected)
        {
            throw ApiException.BadRequest(RejectedReason);
        }

        if (outcome.NeedsSync)
        {
            await ConfirmAsync(broker, cancellationToken).ConfigureAwait(false);
        }

        return outcome.Routed;
    }

    private static PublishOutcome Publish(Broker broker, VirtualHost virtualHost, string exchangeName, JsonBody body, ApiUser user)
    {
        body.RequireAll("routing_key", "properties", "payload", "payload_encoding");
        var routingKey = body.RequireString("routing_key");
        var payload = body.RequireString("payload");
        var encoding = body.RequireString("payload_encoding");
        var properties = BasicPropertiesJson.FromJson(body.Object("properties") ?? throw JsonBody.Missing("properties"));
        var bytes = encoding switch
        {
            "string" => Encoding.UTF8.GetBytes(payload),
            "base64" => DecodeBase64(payload),
            _ => throw ApiException.BadRequest($"payload_encoding must be \"string\" or \"base64\", got \"{encoding}\""),
        };
        var publisher = broker.CreatePublisher(virtualHost, user.AccessIn(virtualHost.Name), broker.MessageTotals);
        try
        {
            return publisher.Publish(new PublishRequest(Message.Create(exchangeName, routingKey, properties.Encode(), bytes)));
        }
        catch (AmqpException ex)
        {
            throw ApiException.BadRequest($"{(int)ex.Code} {ex.ReplyText}");
        }
    }

    /// <summary>The confirm of a message that must be durable first: the store's next sync, within the profile's timeout if it has one.</summary>
    private static async Task ConfirmAsync(Broker broker, CancellationToken cancellationToken)
    {
        var durable = DurableSignal.WhenDurableAsync(broker.Messages);
        try
        {
            await (broker.Settings.Profile.HttpPublishConfirmTimeout is { } timeout
                ? durable.WaitAsync(timeout, broker.Time, cancellationToken)
                : durable.WaitAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw ApiException.BadRequest(ConfirmTimeoutReason);
        }
        catch (IOException)
        {
            // The store failed the sync: an AMQP publisher would get basic.nack, which RabbitMQ reports so.
            throw ApiException.BadRequest(RejectedReason);
        }
    }

    private static byte[] DecodeBase64(string payload)
    {
        try
        {
            return Convert.FromBase64String(payload);
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("not_base64: payload is not valid base64");
        }
    }
}
