using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Core;

/// <summary>
/// What every virtual host of one broker shares: the clock, the stores, the release it behaves as, the
/// exchange and queue type registries and the loggers. The defaults (system clock, nothing stored, the built-in types, no logging)
/// are what a test's lone virtual host needs.
/// </summary>
internal sealed class BrokerServices
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IDefinitionStore Definitions { get; init; } = NoDefinitionStore.Instance;

    public IMessageStore Messages { get; init; } = NoMessageStore.Instance;

    public ExchangeTypeRegistry ExchangeTypes { get; init; } = ExchangeTypeRegistry.CreateBuiltIn();

    /// <summary>The RabbitMQ release the broker behaves as.</summary>
    public Profiles.VersionProfile Profile { get; init; } = Profiles.VersionProfile.Default;

    public QueueTypeRegistry QueueTypes { get; init; } = QueueTypeRegistry.CreateBuiltIn(Profiles.VersionProfile.Default);

    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;

    /// <summary>How many queues and exchanges may exist (vhost max-queues, the broker-wide limits).</summary>
    public Security.CreationLimits Limits { get; init; } = Security.CreationLimits.None;
}
