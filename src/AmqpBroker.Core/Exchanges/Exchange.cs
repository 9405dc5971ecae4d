using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// An exchange: one subclass per type decides which bound queues a message reaches. Binding changes
/// happen under the virtual host's topology lock; routing reads immutable snapshots and takes no lock.
/// </summary>
public abstract class Exchange
{
    private readonly HashSet<Binding> _bindings = [];

    protected Exchange(ExchangeDefinition definition)
    {
        Definition = definition;
    }

    public ExchangeDefinition Definition { get; }

    public string Name => Definition.Name;

    public bool IsDeleted { get; internal set; }

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

    /// <summary>Adds every queue the message reaches to <paramref name="destinations"/>, each once.</summary>
    public abstract void Route(Message message, List<Queue> destinations);

    internal bool AddBinding(Binding binding)
    {
        lock (_bindings)
        {
            foreach (var existing in _bindings)
            {
                if (existing.Matches(binding.Source, binding.Destination, binding.RoutingKey, binding.Arguments))
                {
                    return false;
                }
            }

            _bindings.Add(binding);
            OnBindingsChanged(_bindings);
            return true;
        }
    }

    internal Binding? RemoveBinding(Queue destination, string routingKey, IReadOnlyDictionary<string, object?> arguments)
    {
        lock (_bindings)
        {
            foreach (var existing in _bindings)
            {
                if (existing.Matches(this, destination, routingKey, arguments))
                {
                    _bindings.Remove(existing);
                    OnBindingsChanged(_bindings);
                    return existing;
                }
            }

            return null;
        }
    }

    internal void RemoveBindingsTo(Queue destination)
    {
        lock (_bindings)
        {
            if (_bindings.RemoveWhere(b => ReferenceEquals(b.Destination, destination)) > 0)
            {
                OnBindingsChanged(_bindings);
            }
        }
    }

    /// <summary>Rebuilds the routing snapshot; called under the bindings lock after every change.</summary>
    protected abstract void OnBindingsChanged(IReadOnlyCollection<Binding> bindings);
}
