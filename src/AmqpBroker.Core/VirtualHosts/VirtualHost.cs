using System.Collections.Concurrent;
using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// A virtual host: its exchanges, queues, bindings and policies. Topology changes (declare, delete, bind,
/// policy changes) are serialised by one topology lock; publishing reads the concurrent maps and exchange
/// snapshots only. Topology methods take the caller's <see cref="ResourceAccess"/> and check it in
/// RabbitMQ's order; a null access is a trusted caller (the broker itself, tests).
/// </summary>
public sealed class VirtualHost
{
    private readonly ConcurrentDictionary<string, Exchange> _exchanges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private readonly Lock _topology = new();
    private readonly Func<string, Exchange?> _findExchange;
    private readonly TimeProvider _time;
    private readonly DeadLetterPublisher _deadLetters;
    private readonly IDefinitionStore _store;
    private readonly IMessageStore _messages;
    private volatile PolicySet _policies = PolicySet.Empty;

    public VirtualHost(string name, TimeProvider? time = null, IDefinitionStore? store = null, IMessageStore? messages = null)
    {
        Name = name;
        _time = time ?? TimeProvider.System;
        _store = store ?? NoDefinitionStore.Instance;
        _messages = messages ?? NoMessageStore.Instance;
        _findExchange = n => _exchanges.GetValueOrDefault(n);
        _deadLetters = new DeadLetterPublisher(_findExchange, _time);
        DefaultExchange = new DefaultExchange(new ExchangeDefinition("", name, ExchangeTypes.Direct, true, false, false, Protocol.Encoding.FieldTable.Empty), FindQueue);
        _exchanges[""] = DefaultExchange;
        foreach (var (exchangeName, type) in PredeclaredExchanges)
        {
            _exchanges[exchangeName] = ExchangeFactory.Create(new ExchangeDefinition(exchangeName, name, type, true, false, false, Protocol.Encoding.FieldTable.Empty));
        }
    }

    public string Name { get; }

    public Exchange DefaultExchange { get; }

    public IReadOnlyCollection<Exchange> Exchanges => [.. _exchanges.Values];

    public IReadOnlyCollection<Queue> Queues => [.. _queues.Values];

    public IReadOnlyCollection<Policy> Policies => _policies.Policies;

    private static IEnumerable<(string Name, string Type)> PredeclaredExchanges =>
    [
        ("amq.direct", ExchangeTypes.Direct),
        ("amq.fanout", ExchangeTypes.Fanout),
        ("amq.topic", ExchangeTypes.Topic),
        ("amq.headers", ExchangeTypes.Headers),
        ("amq.match", ExchangeTypes.Headers),
    ];

    public Queue? FindQueue(string name) => _queues.GetValueOrDefault(name);

    public Exchange GetExchange(string name) =>
        _exchanges.GetValueOrDefault(name) ?? throw AmqpException.NotFound($"no exchange '{name}' in vhost '{Name}'");

    /// <summary>The queue, checked for exclusive access by <paramref name="connection"/>.</summary>
    public Queue GetQueue(string name, ClientConnection? connection)
    {
        var queue = FindQueue(name) ?? throw AmqpException.NotFound($"no queue '{name}' in vhost '{Name}'");
        if (connection is not null)
        {
            queue.CheckAccess(connection);
        }

        return queue;
    }

    public Exchange DeclareExchange(ExchangeDefinition definition, bool passive, ResourceAccess? access = null)
    {
        if (passive)
        {
            return GetBindableExchange(definition.Name);
        }

        ExchangeFactory.CheckType(definition.Type);
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

            var exchange = ExchangeFactory.Create(definition);
            exchange.ApplyPolicy(_policies.Match(exchange.Name, PolicyTarget.Exchange));
            _exchanges[definition.Name] = exchange;
            if (exchange.IsDurable)
            {
                _store.PutExchange(definition);
            }

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
    /// Declares or redeclares a queue. <paramref name="owner"/> is the declaring connection. A name the
    /// client chose may not start with <c>amq.</c>; server-generated names (<c>amq.gen-…</c>) do.
    /// </summary>
    public Queue DeclareQueue(QueueDefinition definition, ClientConnection owner, bool passive, bool serverNamed = false, ResourceAccess? access = null)
    {
        if (passive)
        {
            // A passive declare counts as use for x-expires, as in RabbitMQ.
            var found = GetQueue(definition.Name, owner);
            found.MarkUsed();
            return found;
        }

        if (!serverNamed && definition.Name.StartsWith("amq.", StringComparison.Ordinal))
        {
            throw AmqpException.AccessRefused($"queue name '{definition.Name}' contains reserved prefix 'amq.*'");
        }

        access?.Check(AccessKind.Configure, ResourceKind.Queue, definition.Name);
        lock (_topology)
        {
            // An existing queue is checked for equivalence first, as RabbitMQ does; only a new one has its arguments validated.
            if (_queues.TryGetValue(definition.Name, out var existing))
            {
                existing.CheckAccess(owner);
                existing.CheckExclusivity(definition.Exclusive);
                DeclareEquivalence.CheckQueue(existing.Definition, definition);
                existing.MarkUsed();
                return existing;
            }

            if (access is not null && definition.Arguments.GetValueOrDefault("x-dead-letter-exchange") is string deadLetterExchange)
            {
                // Dead letters will flow from the new queue into its DLX: RabbitMQ asks for both ends.
                access.Check(AccessKind.Read, ResourceKind.Queue, definition.Name);
                access.Check(AccessKind.Write, ResourceKind.Exchange, deadLetterExchange);
            }

            var arguments = QueueArguments.Parse(definition.Arguments, $"queue '{definition.Name}' in vhost '{Name}'");
            var queue = CreateQueue(definition, arguments, definition.Exclusive ? owner : null, out _);
            ApplyPolicy(queue);
            _queues[definition.Name] = queue;
            if (queue.IsDurable)
            {
                _store.PutQueue(definition);
            }

            return queue;
        }
    }

    /// <summary>
    /// Deletes a queue and its bindings; returns how many ready messages it held. Deleting a queue
    /// that does not exist succeeds with zero, as in RabbitMQ.
    /// </summary>
    public uint DeleteQueue(string name, bool ifUnused, bool ifEmpty, ClientConnection? connection, ResourceAccess? access = null)
    {
        access?.Check(AccessKind.Configure, ResourceKind.Queue, name);
        lock (_topology)
        {
            if (!_queues.TryGetValue(name, out var queue))
            {
                return 0;
            }

            if (connection is not null)
            {
                queue.CheckAccess(connection);
            }

            if (ifUnused && !queue.IsUnused)
            {
                throw AmqpException.PreconditionFailed($"queue '{name}' in vhost '{Name}' in use");
            }

            if (ifEmpty && queue.ReadyCount > 0)
            {
                throw AmqpException.PreconditionFailed($"queue '{name}' in vhost '{Name}' not empty");
            }

            return RemoveQueueLocked(queue);
        }
    }

    public void Bind(string queueName, string exchangeName, string routingKey, IReadOnlyDictionary<string, object?> arguments, ClientConnection connection, ResourceAccess? access = null)
    {
        CheckBindingAccess(access, ResourceKind.Queue, queueName, exchangeName);
        lock (_topology)
        {
            // RabbitMQ names the exchange when both ends are missing.
            var exchange = GetBindableExchange(exchangeName);
            AddBindingLocked(exchange, GetQueue(queueName, connection), routingKey, arguments);
        }
    }

    public void Unbind(string queueName, string exchangeName, string routingKey, IReadOnlyDictionary<string, object?> arguments, ClientConnection connection, ResourceAccess? access = null)
    {
        CheckBindingAccess(access, ResourceKind.Queue, queueName, exchangeName);
        lock (_topology)
        {
            // Unbinding from or to something that does not exist succeeds, as in RabbitMQ.
            CheckNotDefault(exchangeName);
            if (_exchanges.TryGetValue(exchangeName, out var exchange) && FindQueue(queueName) is { } queue)
            {
                queue.CheckAccess(connection);
                UnbindLocked(exchange, queue, routingKey, arguments);
            }
        }
    }

    /// <summary>exchange.bind: messages routed by <paramref name="sourceName"/> flow on into <paramref name="destinationName"/>.</summary>
    public void BindExchange(string destinationName, string sourceName, string routingKey, IReadOnlyDictionary<string, object?> arguments, ResourceAccess? access = null)
    {
        CheckBindingAccess(access, ResourceKind.Exchange, destinationName, sourceName);
        lock (_topology)
        {
            var destination = GetBindableExchange(destinationName);
            AddBindingLocked(GetBindableExchange(sourceName), destination, routingKey, arguments);
        }
    }

    public void UnbindExchange(string destinationName, string sourceName, string routingKey, IReadOnlyDictionary<string, object?> arguments, ResourceAccess? access = null)
    {
        CheckBindingAccess(access, ResourceKind.Exchange, destinationName, sourceName);
        lock (_topology)
        {
            // Unbinding from or to an exchange that does not exist succeeds, as in RabbitMQ.
            CheckNotDefault(destinationName);
            CheckNotDefault(sourceName);
            if (_exchanges.TryGetValue(destinationName, out var destination) && _exchanges.TryGetValue(sourceName, out var source))
            {
                UnbindLocked(source, destination, routingKey, arguments);
            }
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

    /// <summary>
    /// Recreates stored durable definitions at start, without writing them back. A binding whose ends are
    /// missing is skipped (the store deletes bindings with their ends, so only a damaged file has one).
    /// </summary>
    internal void Restore(StoredDefinitions stored)
    {
        lock (_topology)
        {
            foreach (var definition in stored.Exchanges.Where(e => e.VirtualHost == Name && !_exchanges.ContainsKey(e.Name)))
            {
                var exchange = ExchangeFactory.Create(definition);
                exchange.ApplyPolicy(_policies.Match(exchange.Name, PolicyTarget.Exchange));
                _exchanges[definition.Name] = exchange;
            }

            foreach (var definition in stored.Queues.Where(q => q.VirtualHost == Name))
            {
                var arguments = QueueArguments.Parse(definition.Arguments, $"queue '{definition.Name}' in vhost '{Name}'");
                var queue = CreateQueue(definition, arguments, null, out var recovered);
                ApplyPolicy(queue);
                queue.Recover(recovered);
                _queues[definition.Name] = queue;
            }

            foreach (var binding in stored.Bindings.Where(b => b.VirtualHost == Name))
            {
                IBindingDestination? destination = binding.DestinationKind == BindingDestinationKind.Queue
                    ? _queues.GetValueOrDefault(binding.Destination)
                    : _exchanges.GetValueOrDefault(binding.Destination);
                if (_exchanges.TryGetValue(binding.Source, out var source) && destination is not null)
                {
                    source.AddBinding(new Binding(source, destination, binding.RoutingKey, binding.Arguments));
                }
            }
        }
    }

    /// <summary>Adds or replaces a validated policy and re-applies policies to every queue and exchange here.</summary>
    internal void PutPolicy(CompiledPolicy policy)
    {
        lock (_topology)
        {
            _policies = _policies.With(policy);
            ApplyPoliciesLocked();
        }
    }

    /// <summary>Removes the named policy; what it applied to falls back to the next matching policy, or none.</summary>
    internal bool DeletePolicy(string name)
    {
        lock (_topology)
        {
            var remaining = _policies.Without(name);
            if (ReferenceEquals(remaining, _policies))
            {
                return false;
            }

            _policies = remaining;
            ApplyPoliciesLocked();
            return true;
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
                if (queue.IsDurable)
                {
                    _messages.DeleteQueue(Name, queue.Name);
                }
            }

            foreach (var exchange in _exchanges.Values)
            {
                exchange.IsDeleted = true;
            }

            _queues.Clear();
            _exchanges.Clear();
        }
    }

    /// <summary>The broker's tick: expire messages nobody consumed, delete queues unused past x-expires.</summary>
    internal void OnTick()
    {
        foreach (var queue in _queues.Values)
        {
            queue.ExpireMessages();
            if (queue.HasExpiredUnused())
            {
                lock (_topology)
                {
                    if (_queues.TryGetValue(queue.Name, out var current) && ReferenceEquals(current, queue))
                    {
                        RemoveQueueLocked(queue);
                    }
                }
            }
        }
    }

    /// <summary>The connection closed: its exclusive queues go with it.</summary>
    public void OnConnectionClosed(ClientConnection connection)
    {
        lock (_topology)
        {
            foreach (var queue in _queues.Values)
            {
                if (ReferenceEquals(queue.ExclusiveOwner, connection))
                {
                    RemoveQueueLocked(queue);
                }
            }
        }
    }

    /// <summary>
    /// RabbitMQ's order for queue.bind/unbind and exchange.bind/unbind: write on the destination, then neither
    /// end may be the default exchange, then read on the source — all before either end is looked up.
    /// </summary>
    private static void CheckBindingAccess(ResourceAccess? access, ResourceKind destinationKind, string destination, string source)
    {
        access?.Check(AccessKind.Write, destinationKind, destination);
        if (destinationKind == ResourceKind.Exchange)
        {
            CheckNotDefault(destination);
        }

        CheckNotDefault(source);
        access?.Check(AccessKind.Read, ResourceKind.Exchange, source);
    }

    private void ApplyPoliciesLocked()
    {
        foreach (var queue in _queues.Values)
        {
            ApplyPolicy(queue);
        }

        foreach (var exchange in _exchanges.Values)
        {
            if (!ReferenceEquals(exchange, DefaultExchange))
            {
                exchange.ApplyPolicy(_policies.Match(exchange.Name, PolicyTarget.Exchange));
            }
        }
    }

    /// <summary>Puts the matching policy in force on <paramref name="queue"/> when it differs from the one there.</summary>
    private void ApplyPolicy(Queue queue)
    {
        var policy = _policies.Match(queue.Name, PolicyTarget.Queue);
        if (!ReferenceEquals(policy?.Policy, queue.Policy))
        {
            queue.ApplyPolicy(policy?.Policy, queue.DeclaredArguments.WithPolicy(policy?.Settings));
        }
    }

    private Exchange GetBindableExchange(string name)
    {
        CheckNotDefault(name);
        return GetExchange(name);
    }

    private static void CheckNotDefault(string exchangeName)
    {
        if (exchangeName.Length == 0)
        {
            throw AmqpException.AccessRefused("operation not permitted on the default exchange");
        }
    }

    private void AutoDeleteQueue(Queue queue)
    {
        lock (_topology)
        {
            if (_queues.TryGetValue(queue.Name, out var current) && ReferenceEquals(current, queue))
            {
                RemoveQueueLocked(queue);
            }
        }
    }

    /// <summary>A durable queue gets its message log, with whatever the log still held.</summary>
    private Queue CreateQueue(QueueDefinition definition, QueueArguments arguments, ClientConnection? exclusiveOwner, out IReadOnlyList<RecoveredEntry> recovered)
    {
        recovered = [];
        var log = definition.Durable && exclusiveOwner is null ? _messages.OpenQueue(Name, definition.Name, out recovered) : null;
        return new Queue(definition, arguments, exclusiveOwner, _time, _deadLetters, AutoDeleteQueue, log);
    }

    private uint RemoveQueueLocked(Queue queue)
    {
        _queues.TryRemove(new KeyValuePair<string, Queue>(queue.Name, queue));
        if (queue.IsDurable)
        {
            _store.DeleteQueue(Name, queue.Name);
        }

        RemoveBindingsToLocked(queue);
        var ready = queue.Delete();
        if (queue.IsDurable)
        {
            _messages.DeleteQueue(Name, queue.Name);
        }

        return ready;
    }

    private void RemoveExchangeLocked(Exchange exchange)
    {
        if (!_exchanges.TryRemove(new KeyValuePair<string, Exchange>(exchange.Name, exchange)))
        {
            return;
        }

        exchange.IsDeleted = true;
        if (exchange.IsDurable)
        {
            _store.DeleteExchange(Name, exchange.Name);
        }

        foreach (var binding in exchange.Bindings)
        {
            exchange.RemoveBinding(binding.Destination, binding.RoutingKey, binding.Arguments);
        }

        RemoveBindingsToLocked(exchange);
    }

    /// <summary>A queue or exchange went away: drop the bindings leading to it, then auto-delete emptied sources.</summary>
    private void RemoveBindingsToLocked(IBindingDestination destination)
    {
        foreach (var source in _exchanges.Values)
        {
            if (source.RemoveBindingsTo(destination))
            {
                DeleteIfUnusedAutoDelete(source);
            }
        }
    }

    private void UnbindLocked(Exchange source, IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments)
    {
        // RabbitMQ answers unbind-ok for a binding that does not exist.
        if (source.RemoveBinding(destination, routingKey, arguments) is { } removed)
        {
            if (IsDurable(removed))
            {
                _store.DeleteBinding(ToDefinition(removed));
            }

            DeleteIfUnusedAutoDelete(source);
        }
    }

    private void AddBindingLocked(Exchange source, IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments)
    {
        var binding = new Binding(source, destination, routingKey, arguments);
        if (source.AddBinding(binding) && IsDurable(binding))
        {
            _store.PutBinding(ToDefinition(binding));
        }
    }

    /// <summary>As in RabbitMQ, a binding survives a restart when both of its ends do.</summary>
    private static bool IsDurable(Binding binding) => binding.Source.IsDurable && binding.Destination.IsDurable;

    private BindingDefinition ToDefinition(Binding binding) => new(
        Name,
        binding.Source.Name,
        binding.Destination.Name,
        binding.Destination is Queue ? BindingDestinationKind.Queue : BindingDestinationKind.Exchange,
        binding.RoutingKey,
        binding.Arguments);

    /// <summary>An auto-delete exchange is deleted when its last binding (as a source) goes.</summary>
    private void DeleteIfUnusedAutoDelete(Exchange exchange)
    {
        if (exchange.Definition.AutoDelete && !exchange.HasBindings)
        {
            RemoveExchangeLocked(exchange);
        }
    }
}
