using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Scheduling;
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

    /// <summary>The broker's deadlines on <see cref="Time"/> (message TTL, x-expires, delayed messages); made on first use when not given.</summary>
    public BrokerTimers Timers
    {
        get => LazyInitializer.EnsureInitialized(ref field, () => new BrokerTimers(Time, Loggers.CreateLogger(SchedulingLog.Category)));
        init;
    }

    public IDefinitionStore Definitions { get; init; } = NoDefinitionStore.Instance;

    /// <summary>Counts every change to exchanges, queues and bindings, as to the broker's other definitions.</summary>
    public DefinitionsVersion DefinitionsVersion { get; init; } = new();

    public IMessageStore Messages { get; init; } = new NoMessageStore();

    public ExchangeTypeRegistry ExchangeTypes { get; init; } = ExchangeTypeRegistry.For(Profiles.VersionProfile.Default);

    public QueueTypeRegistry QueueTypes { get; init; } = QueueTypeRegistry.CreateBuiltIn(Profiles.VersionProfile.Default);

    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;

    /// <summary>How many queues and exchanges may exist (vhost max-queues, the broker-wide limits).</summary>
    public Security.CreationLimits Limits { get; init; } = Security.CreationLimits.None;

    /// <summary>This node's name in RabbitMQ's <c>name@host</c> form (the admin API and the firehose tracer report it).</summary>
    public string NodeName { get; init; } = $"amqpbroker@{Environment.MachineName}";

    /// <summary>The broker's test faults, which the publish pipeline checks; null for a virtual host made without a broker.</summary>
    public Testing.Faults.BrokerFaults? Faults { get; init; }

    /// <summary>Connections, channels and queues opened and closed since start.</summary>
    public Statistics.ChurnCounters Churn { get; init; } = new();

    /// <summary>Messages queues gave up since start (rabbitmq_global_messages_dead_lettered_*).</summary>
    public Statistics.DeadLetterTotals DeadLetters { get; init; } = new();

    /// <summary>The broker's recorder, told what no frame shows (dead-lettering); null for a virtual host made without a broker.</summary>
    public Testing.Recording.BrokerRecorder? Recorder { get; init; }
}
