using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// An exchange: one subclass per type decides which bindings a message matches. Binding changes are
/// serialised by this exchange's lock and reach the subclass one at a time, which keeps an immutable
/// routing snapshot up to date; routing reads that snapshot and takes no lock.
/// </summary>
public abstract class Exchange : IBindingDestination
{
    private readonly HashSet<Binding> _bindings = [];
    private readonly string? _declaredAlternateExchange;
    private volatile CompiledPolicy? _policy;

    protected Exchange(ExchangeDefinition definition)
    {
        Definition = definition;
        _declaredAlternateExchange = definition.Arguments.GetValueOrDefault(MessageRouter.AlternateExchangeArgument) as string;
    }

    public ExchangeDefinition Definition { get; }

    public string Name => Definition.Name;

    public bool IsDurable => Definition.Durable;

    public bool IsDeleted { get; private set; }

    /// <summary>The policy that applies to this exchange, if any.</summary>
    public Policy? Policy => _policy?.Policy;

    public string? PolicyName => _policy?.Policy.Name;

    /// <summary>Where unroutable messages go: the <c>alternate-exchange</c> argument, else the policy's (RabbitMQ: the argument wins).</summary>
    public string? AlternateExchange => _declaredAlternateExchange ?? _policy?.Settings.AlternateExchange;

    /// <summary>A snapshot of the bindings whose source is this exchange.</summary>
    public IReadOnlyCollection<Binding> Bindings
    {
        get
        {
            lock (_bindings)
            {
                return [.. _bindings];
            }
        }
    }

    public bool HasBindings
    {
        get
        {
            lock (_bindings)
            {
                return _bindings.Count > 0;
            }
        }
    }

    internal void ApplyPolicy(CompiledPolicy? policy) => _policy = policy;

    /// <summary>The exchange was deleted (alone or with its virtual host).</summary>
    internal void MarkDeleted()
    {
        IsDeleted = true;
        OnDeleted();
    }

    /// <summary>Throws what <see cref="ValidateBinding"/> throws, for an exchange that routes through this one.</summary>
    internal void CheckBinding(Binding binding) => ValidateBinding(binding);

    /// <summary>
    /// Adds each destination the message matches to <paramref name="scratch"/>'s <see cref="RoutingScratch.Destinations"/>,
    /// each once; the scratch's other state lets routing allocate nothing.
    /// </summary>
    public abstract void Route(Message message, RoutingScratch scratch);

    /// <summary>
    /// Adds a binding once this exchange type accepts it (<see cref="ValidateBinding"/>, 406) and then <paramref name="check"/>
    /// passes (a queue destination's exclusivity, 405: rabbit_binding:binding_checks validates first, an equal binding
    /// already there included); false when an equal one exists.
    /// </summary>
    internal bool AddBinding(Binding binding, Action? check = null)
    {
        ValidateBinding(binding);
        check?.Invoke();
        return RestoreBinding(binding);
    }

    /// <summary>
    /// Adds a binding recovered from storage without the type's checks, as RabbitMQ recovers bindings: one that a later
    /// release refuses (4.3.5's limit on '#' in topic keys) still comes back after a restart and can still be removed.
    /// </summary>
    internal bool RestoreBinding(Binding binding)
    {
        lock (_bindings)
        {
            if (FindLocked(binding.Destination, binding.RoutingKey, binding.Arguments) is not null)
            {
                return false;
            }

            _bindings.Add(binding);
            OnBindingAdded(binding);
            return true;
        }
    }

    /// <summary>Whether this exchange has a binding to <paramref name="destination"/> with that key and those arguments.</summary>
    internal bool HasBinding(IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments)
    {
        lock (_bindings)
        {
            return FindLocked(destination, routingKey, arguments) is not null;
        }
    }

    internal Binding? RemoveBinding(IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments)
    {
        lock (_bindings)
        {
            var existing = FindLocked(destination, routingKey, arguments);
            if (existing is not null)
            {
                _bindings.Remove(existing);
                OnBindingRemoved(existing);
            }

            return existing;
        }
    }

    /// <summary>Removes every binding to <paramref name="destination"/> (it was deleted); true when there was one.</summary>
    internal bool RemoveBindingsTo(IBindingDestination destination)
    {
        lock (_bindings)
        {
            var removed = _bindings.Where(b => ReferenceEquals(b.Destination, destination)).ToList();
            foreach (var binding in removed)
            {
                _bindings.Remove(binding);
                OnBindingRemoved(binding);
            }

            return removed.Count > 0;
        }
    }

    private Binding? FindLocked(IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments)
    {
        foreach (var existing in _bindings)
        {
            if (existing.Matches(destination, routingKey, arguments))
            {
                return existing;
            }
        }

        return null;
    }

    /// <summary>A type that holds state of its own (delayed messages) lets it go when the exchange is deleted.</summary>
    protected virtual void OnDeleted()
    {
    }

    /// <summary>Rejects a binding this exchange type cannot route by (406 PRECONDITION_FAILED).</summary>
    protected virtual void ValidateBinding(Binding binding)
    {
    }

    /// <summary>Updates the routing snapshot; called under the bindings lock.</summary>
    protected abstract void OnBindingAdded(Binding binding);

    /// <summary>Updates the routing snapshot; called under the bindings lock.</summary>
    protected abstract void OnBindingRemoved(Binding binding);
}
