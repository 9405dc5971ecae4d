using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Core;

/// <summary>
/// What every virtual host of one broker shares: its settings (with the version profile), the clock, the
/// stores, the exchange and queue type registries and the loggers. The defaults (default settings, system
/// clock, nothing stored, the built-in types, no logging) are what a test's lone virtual host needs.
/// </summary>
internal sealed class BrokerServices
{
    public BrokerSettings Settings { get; init; } = new();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IDefinitionStore Definitions { get; init; } = NoDefinitionStore.Instance;

    public IMessageStore Messages { get; init; } = NoMessageStore.Instance;

    public ExchangeTypeRegistry ExchangeTypes { get; init; } = ExchangeTypeRegistry.For(Profiles.VersionProfile.Default);

    public QueueTypeRegistry QueueTypes { get; init; } = QueueTypeRegistry.CreateBuiltIn(Profiles.VersionProfile.Default);

    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;
}
