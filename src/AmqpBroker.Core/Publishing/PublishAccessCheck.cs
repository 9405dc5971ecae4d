using AmqpBroker.Core.Security;

namespace AmqpBroker.Core.Publishing;

/// <summary>
/// A publish needs write permission on its exchange. A publisher mostly publishes to one exchange, so
/// the last check that passed is remembered until the exchange or any permission changes, which leaves
/// one comparison per message on the hot path.
/// </summary>
internal sealed class PublishAccessCheck(ResourceAccess access)
{
    private string? _allowedExchange;
    private int _allowedVersion;

    /// <summary>Throws 403 ACCESS_REFUSED unless the user may write to <paramref name="exchange"/>.</summary>
    public void Check(string exchange)
    {
        // Read the version first: a change racing with the check below makes the next publish check again.
        var version = access.Version;
        if (version == _allowedVersion && string.Equals(exchange, _allowedExchange, StringComparison.Ordinal))
        {
            return;
        }

        access.Check(AccessKind.Write, ResourceKind.Exchange, exchange);
        _allowedExchange = exchange;
        _allowedVersion = version;
    }

    /// <summary>The topic permission of a topic exchange: 403 ACCESS_REFUSED unless the user may write with <paramref name="routingKey"/>.</summary>
    public void CheckTopic(string exchange, string routingKey) => access.CheckTopic(AccessKind.Write, exchange, routingKey);
}
