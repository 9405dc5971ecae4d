using System.Globalization;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Publishing;

/// <summary>The checks RabbitMQ makes on a published message's size and properties before routing it (406 when broken).</summary>
public static class PublishRules
{
    /// <summary>
    /// The size limit. An AMQP channel applies it as soon as the content header announces the size, so
    /// that a body over the limit is never buffered.
    /// </summary>
    public static void CheckSize(long bodySize, long maxMessageSize)
    {
        if (bodySize > maxMessageSize)
        {
            throw AmqpException.PreconditionFailed($"message size {bodySize} is larger than configured max size {maxMessageSize}");
        }
    }

    /// <summary>
    /// user_id must be the authenticated user's (unchecked when <paramref name="authenticatedUser"/> is null: the
    /// broker itself publishes); expiration must be a valid TTL; with <paramref name="deliveryModeValidated"/>
    /// (RabbitMQ 3.10) a delivery_mode must be 1 or 2.
    /// </summary>
    public static void Check(Message message, string? authenticatedUser, bool deliveryModeValidated = false)
    {
        CheckUserIdAndExpiration(message, authenticatedUser);
        var summary = message.Summary;
        if (deliveryModeValidated && (summary.Flags & PropertyFlags.DeliveryMode) != 0 && summary.DeliveryMode is not (1 or 2))
        {
            throw AmqpException.PreconditionFailed($"invalid message: {{delivery_mode_unknown,{summary.DeliveryMode}}}");
        }
    }

    private static void CheckUserIdAndExpiration(Message message, string? authenticatedUser)
    {
        var flags = message.Summary.Flags;
        var expirationBroken = (flags & PropertyFlags.Expiration) != 0 && !message.Summary.ExpirationValid;
        if (!expirationBroken && (authenticatedUser is null || (flags & PropertyFlags.UserId) == 0))
        {
            return;
        }

        var properties = BasicProperties.Decode(message.Properties);
        if (authenticatedUser is not null && properties.UserId is { } userId && userId != authenticatedUser)
        {
            throw AmqpException.PreconditionFailed($"user_id property set to '{userId}' but authenticated user was '{authenticatedUser}'");
        }

        if (expirationBroken && properties.Expiration is { } expiration)
        {
            throw AmqpException.PreconditionFailed($"invalid expiration '{expiration}': {ExpirationError(expiration)}");
        }
    }

    /// <summary>Why an expiration is not a non-negative integer, in the terms of Erlang's string:to_integer.</summary>
    private static string ExpirationError(string expiration)
    {
        var digitsStart = expiration.Length > 0 && expiration[0] is '-' or '+' ? 1 : 0;
        var end = digitsStart;
        while (end < expiration.Length && char.IsAsciiDigit(expiration[end]))
        {
            end++;
        }

        if (end == digitsStart)
        {
            return "no_integer";
        }

        if (end < expiration.Length)
        {
            return $"{{leftover_string,\"{expiration[end..]}\"}}";
        }

        return long.TryParse(expiration, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value < 0
            ? $"{{value_negative,{value}}}"
            : "no_integer";
    }
}
