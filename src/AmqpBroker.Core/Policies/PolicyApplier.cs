using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Policies;

/// <summary>
/// A virtual host's policies and their application: the one policy that applies to each queue and exchange
/// is put in force when the queue or exchange is created and again whenever a policy is added, replaced or
/// removed (logged then, since no client asked for it). Changes are called under the virtual host's topology
/// lock; <see cref="Policies"/> is read without it.
/// </summary>
internal sealed class PolicyApplier(string virtualHost, ILogger log)
{
    private volatile PolicySet _policies = PolicySet.Empty;

    public IReadOnlyCollection<Policy> Policies => _policies.Policies;

    /// <summary>Adds or replaces a validated policy and re-applies policies to every queue and exchange given.</summary>
    public void Put(CompiledPolicy policy, IEnumerable<Queue> queues, IEnumerable<Exchange> exchanges)
    {
        _policies = _policies.With(policy);
        Reapply(queues, exchanges);
    }

    /// <summary>Removes the named policy, falling back to the next matching one; false when there is no such policy.</summary>
    public bool Delete(string name, IEnumerable<Queue> queues, IEnumerable<Exchange> exchanges)
    {
        var remaining = _policies.Without(name);
        if (ReferenceEquals(remaining, _policies))
        {
            return false;
        }

        _policies = remaining;
        Reapply(queues, exchanges);
        return true;
    }

    /// <summary>A queue is created: the matching policy applies from the start.</summary>
    public void ApplyTo(Queue queue) => Apply(queue, announce: false);

    /// <summary>An exchange is created: the matching policy applies from the start.</summary>
    public void ApplyTo(Exchange exchange) => exchange.ApplyPolicy(_policies.Match(exchange.Name, PolicyTarget.Exchange));

    private void Reapply(IEnumerable<Queue> queues, IEnumerable<Exchange> exchanges)
    {
        foreach (var queue in queues)
        {
            Apply(queue, announce: true);
        }

        foreach (var exchange in exchanges)
        {
            // The default exchange takes no policy.
            if (exchange.Name.Length > 0)
            {
                var policy = _policies.Match(exchange.Name, PolicyTarget.Exchange);
                var changed = !ReferenceEquals(policy?.Policy, exchange.Policy);
                exchange.ApplyPolicy(policy);
                if (changed)
                {
                    Announce(policy?.Policy, "exchange", exchange.Name);
                }
            }
        }
    }

    /// <summary>Puts the matching policy in force on <paramref name="queue"/> when it differs from the one there.</summary>
    private void Apply(Queue queue, bool announce)
    {
        var policy = _policies.Match(queue.Name, PolicyTarget.Queue);
        if (!ReferenceEquals(policy?.Policy, queue.Policy))
        {
            queue.ApplyPolicy(policy?.Policy, queue.Type.WithPolicy(queue.DeclaredArguments, policy?.Settings));
            if (announce)
            {
                Announce(policy?.Policy, "queue", queue.Name);
            }
        }
    }

    private void Announce(Policy? policy, string kind, string name)
    {
        if (policy is null)
        {
            PolicyLog.PolicyCleared(log, virtualHost, kind, name);
        }
        else
        {
            PolicyLog.PolicyApplied(log, virtualHost, policy.Name, kind, name);
        }
    }
}
