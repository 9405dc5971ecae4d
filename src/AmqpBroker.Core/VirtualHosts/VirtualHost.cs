using System.Collections.Concurrent;
using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// A virtual host: its exchanges, queues, bindings and policies. Topology changes (declare, delete, bind,
/// policy changes) are serialised by one topology lock; publishing reads the concurrent maps and exchange
/// snapshots only. Topology methods take the caller's <see cref="ResourceAccess"/> and check it in
/// RabbitMQ's order; a null access is a trusted caller (the broker itself, tests). What survives a restart
/// is <see cref="DurableTopology"/>'s, policies are <see cref="PolicyApplier"/>'s, start-up recovery is
/// <see cref="TopologyRecovery"/>'s and the binding checks are <see cref="BindingRules"/>'; exchanges and
/// queues come from the broker's type registries.
/// </summary>
public sealed partial class VirtualHost
{
    private readonly ConcurrentDictionary<string, Exchange> _exchanges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private readonly Lock _topology = new();
    private readonly Func<string, Exchange?> _findExchange;
    private readonly BrokerServices _services;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly ExchangeContext _exchangeContext;
    private readonly DurableTopology _durable;
    private readonly PolicyApplier _policies;
    private readonly ILogger _log;
    private readonly ILogger _queueLog;
    private VirtualHostMetadata _metadata = VirtualHostMetadata.None;

    internal VirtualHost(string name, BrokerServices? services = null)
    {
        Name = name;
        _services = services ?? new BrokerServices();
        _durable = new DurableTopology(name, _services.Definitions, _services.Messages, _services.DefinitionsVersion);
        _policies = new PolicyApplier(name, _services.Loggers.CreateLogger(PolicyLog.Category));
        _log = _services.Loggers.CreateLogger(VirtualHostLog.Category);
        _queueLog = _services.Loggers.CreateLogger(UnreadableMessages.Category);
        _findExchange = FindExchange;
        _deadLetters = new DeadLetterPublisher(_findExchange, _services.Time, Leaks, _services.DeadLetters, _services.Recorder);
        _exchangeContext = new ExchangeContext(name, _findExchange, _services, Leaks);
        DefaultExchange = new DefaultExchange(new ExchangeDefinition("", name, ExchangeTypes.Direct, true, false, false, Protocol.Encoding.FieldTable.Empty), FindQueue);
        _exchanges[""] = DefaultExchange;
        foreach (var (exchangeName, type) in PredeclaredExchanges)
        {
            _exchanges[exchangeName] = _services.ExchangeTypes.Create(new ExchangeDefinition(exchangeName, name, type, true, false, false, Protocol.Encoding.FieldTable.Empty));
        }

        _exchanges[Tracing.FirehoseTracer.ExchangeName] = CreateTraceExchange();
    }

    public string Name { get; }

    /// <summary>What is kept about the vhost besides its contents: its default queue type, description and tags. Replaced whole.</summary>
    public VirtualHostMetadata Metadata
    {
        get => Volatile.Read(ref _metadata);
        internal set => Volatile.Write(ref _metadata, value);
    }

    public Exchange DefaultExchange { get; }

    /// <summary>The broker's settings, with the version profile whose behaviour this vhost shows.</summary>
    internal BrokerSettings Settings => _services.Settings;

    public IReadOnlyCollection<Exchange> Exchanges => [.. _exchanges.Values];

    public IReadOnlyCollection<Queue> Queues => [.. _queues.Values];

    public int QueueCount => _queues.Count;

    public int ExchangeCount => _exchanges.Count;

    public IReadOnlyCollection<Policy> Policies => _policies.Policies;

    /// <summary>The operator policies here, in order of precedence (<see cref="Core.Policies.OperatorPolicies"/>).</summary>
    public IReadOnlyCollection<Policy> OperatorPolicies => _policies.OperatorPolicies;

    private static IEnumerable<(string Name, string Type)> PredeclaredExchanges =>
    [
        ("amq.direct", ExchangeTypes.Direct),
        ("amq.fanout", ExchangeTypes.Fanout),
        ("amq.topic", ExchangeTypes.Topic),
        ("amq.headers", ExchangeTypes.Headers),
        ("amq.match", ExchangeTypes.Headers),
    ];

    public Exchange? FindExchange(string name) => _exchanges.GetValueOrDefault(name);

    public Exchange GetExchange(string name) =>
        _exchanges.GetValueOrDefault(name) ?? throw AmqpException.NotFound($"no exchange '{name}' in vhost '{Name}'");

    public Exchange DeclareExchange(ExchangeDefinition definition, bool passive, ResourceAccess? access = null)
    {
        if (passive)
        {
            BindingRules.CheckNotDefault(definition.Name);
            CheckPassiveDeclareAccess(access, ResourceKind.Exchange, definition.Name);
            return GetExchange(definition.Name);
        }

        var type = _services.ExchangeTypes.Get(definition.Type);
        if (definition.Name.Length == 0)
        {
            throw AmqpException.AccessRefused("operation not permitted on the default exchange");
        }

        access?.Check(AccessKind.Configure, ResourceKind.Exchange, definition.Name);
        lock (_topology)
        {
            if (_exchanges.TryGetValue(definition.Name, out var existing))
            {
                DeclareEquivalence.CheckExchange(existing.Definition, definition);
                return existing;
            }

            if (definition.Name.StartsWith("amq.", StringComparison.Ordinal))
            {
                throw AmqpException.AccessRefused($"exchange name '{definition.Name}' contains reserved prefix 'amq.*'");
            }

            if (access is not null && definition.Arguments.GetValueOrDefault(MessageRouter.AlternateExchangeArgument) is string alternate)
            {
                // Messages will flow from the new exchange into its alternate: RabbitMQ asks for both ends.
                access.Check(AccessKind.Read, ResourceKind.Exchange, definition.Name);
                access.Check(AccessKind.Write, ResourceKind.Exchange, alternate);
            }

            type.ValidateArguments(definition);
            if (_services.Settings.Strict)
            {
                StrictArguments.Check(_services.Settings.Profile, ArgumentPlace.ExchangeDeclare, definition.Arguments, $"exchange '{definition.Name}' in vhost '{Name}'");
            }

            _services.Limits.CheckNewExchange(this, definition.Name);
            var exchange = CreateExchange(definition);
            Adopt(exchange);
            _durable.PutExchange(exchange);
            return exchange;
        }
    }

    public void DeleteExchange(string name, bool ifUnused, ResourceAccess? access = null)
    {
        if (name.Length == 0 || name.StartsWith("amq.", StringComparison.Ordinal))
        {
            throw AmqpException.AccessRefused(name.Length == 0 ? "operation not permitted on the default exchange" : $"deletion of system exchange '{name}' in vhost '{Name}' not allowed");
        }

        access?.Check(AccessKind.Configure, ResourceKind.Exchange, name);

        lock (_topology)
        {
            // Deleting what does not exist succeeds, as in RabbitMQ.
            if (!_exchanges.TryGetValue(name, out var exchange))
            {
                return;
            }

            if (ifUnused && exchange.HasBindings)
            {
                throw AmqpException.PreconditionFailed($"exchange '{name}' in vhost '{Name}' in use");
            }

            RemoveExchangeLocked(exchange);
        }
    }

    /// <summary>
    /// Routes <paramref name="message"/> from <paramref name="exchange"/> and enqueues it once in every queue
    /// it reaches (those are left in <see cref="RoutingScratch.Queues"/>); returns how many that was.
    /// <paramref name="rejected"/> tells whether a full queue refused it (x-overflow reject-publish).
    /// No publish rule is applied: clients publish through <see cref="Publishing.Publisher"/>.
    /// </summary>
    public int Publish(Exchange exchange, Message message, RoutingScratch scratch, out bool rejected)
    {
        var delivered = Deliver(exchange, message, scratch);
        rejected = delivered.Rejected;
        return delivered.Queues;
    }

    /// <summary>The last step of a <see cref="Publishing.Publisher"/>'s publish: route and enqueue, see <see cref="Publishing.QueueDelivery"/>.</summary>
    internal Publishing.DeliveryResult Deliver(Exchange exchange, Message message, RoutingScratch scratch) =>
        Publishing.QueueDelivery.Deliver(exchange, message, _findExchange, scratch, countQueuePublish: true);

    /// <summary>Recreates stored durable definitions at start (see <see cref="TopologyRecovery"/>).</summary>
    internal void Restore(StoredDefinitions stored)
    {
        lock (_topology)
        {
            TopologyRecovery.Restore(this, stored, _log);
        }
    }

    /// <summary>Adds or replaces a validated policy (or operator policy) and re-applies policies to every queue and exchange here.</summary>
    internal void PutPolicy(CompiledPolicy policy, bool isOperatorPolicy = false)
    {
        lock (_topology)
        {
            _policies.Put(policy, isOperatorPolicy, _queues.Values, _exchanges.Values);
        }
    }

    /// <summary>Removes the named policy (or operator policy); what it applied to falls back to the next matching one, or none.</summary>
    internal bool DeletePolicy(string name, bool isOperatorPolicy = false)
    {
        lock (_topology)
        {
            return _policies.Delete(name, isOperatorPolicy, _queues.Values, _exchanges.Values);
        }
    }

    /// <summary>
    /// The virtual host is being deleted: its queues go (their consumers are told) and its exchanges with
    /// them. The store forgets all of it with the vhost, so nothing is deleted from the store one by one.
    /// </summary>
    internal void DeleteAll()
    {
        lock (_topology)
        {
            foreach (var queue in _queues.Values)
            {
                queue.Delete();
                _durable.DeleteMessages(queue);
            }

            _services.Churn.OnQueuesDeleted(_queues.Count);

            foreach (var exchange in _exchanges.Values)
            {
                exchange.MarkDeleted();
            }

            _queues.Clear();
            _exchanges.Clear();
        }
    }

    /// <summary>An exchange of its declared type, with the matching policy in force.</summary>
    internal Exchange CreateExchange(ExchangeDefinition definition)
    {
        var exchange = _services.ExchangeTypes.Create(definition, _exchangeContext);
        _policies.ApplyTo(exchange);
        return exchange;
    }

    internal void Adopt(Exchange exchange) => _exchanges[exchange.Name] = exchange;
}
