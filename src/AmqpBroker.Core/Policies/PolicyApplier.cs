using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Policies;

/// <summary>
/// A virtual host's policies and operator policies (<see cref="OperatorPolicies"/>) and their application: the
/// one policy and the one operator policy that apply to each queue, merged, and the one policy of each exchange
/// are put in force when the queue or exchange is created and again whenever a policy is added, replaced or
/// removed (logged then, since no client asked for it). Changes are called under the virtual host's topology
/// lock; <see cref="Policies"/> and <see cref="OperatorPolicies"/> are read without it.
/// </summary>
internal sealed class PolicyApplier(string virtualHost, ILogger log)
{
    private volatile PolicySet _policies = PolicySet.Empty;
    private volatile PolicySet _operatorPolicies = PolicySet.Empty;

    public IReadOnlyCollection<Policy> Policies => _policies.Policies;

    public IReadOnlyCollection<Policy> OperatorPolicies => _operatorPolicies.Policies;

    /// <summary>Adds or replaces a validated policy (or operator policy) and re-applies policies to every queue and exchange given.</summary>
    public void Put(CompiledPolicy policy, bool isOperatorPolicy, IEnumerable<Queue> queues, IEnumerable<Exchange> exchanges)
    {
        if (isOperatorPolicy)
        {
            _operatorPolicies = _operatorPolicies.With(policy);
        }
        else
        {
            _policies = _policies.With(policy);
        }

        Reapply(queues, exchanges);
    }

    /// <summary>Removes the named policy (or operator policy), falling back to the next matching one; false when there is no such policy.</summary>
    public bool Delete(string name, bool isOperatorPolicy, IEnumerable<Queue> queues, IEnumerable<Exchange> exchanges)
    {
        var before = isOperatorPolicy ? _operatorPolicies : _policies;
        var remaining = before.Without(name);
        if (ReferenceEquals(remaining, before))
        {
            return false;
        }

        if (isOperatorPolicy)
        {
            _operatorPolicies = remaining;
        }
        else
        {
            _policies = remaining;
        }

        Reapply(queues, exchanges);
        return true;
    }

    /// <summary>A queue is created: the matching policies apply from the start.</summary>
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

    /// <summary>
    /// Puts the matching policy and operator policy in force on <paramref name="queue"/> when either differs from
    /// the one there: the queue's type takes the merged settings (rabbit_policy:get/2 merges per key).
    /// </summary>
    private void Apply(Queue queue, bool announce)
    {
        var policy = _policies.Match(queue.Name, PolicyTarget.Queue);
        var operatorPolicy = _operatorPolicies.Match(queue.Name, PolicyTarget.Queue);
        var policyChanged = !ReferenceEquals(policy?.Policy, queue.Policy);
        var operatorPolicyChanged = !ReferenceEquals(operatorPolicy?.Policy, queue.OperatorPolicy);
        if (!policyChanged && !operatorPolicyChanged)
        {
            return;
        }

        var settings = Core.Policies.OperatorPolicies.MergeSettings(policy?.Settings, operatorPolicy?.Settings);
        queue.ApplyPolicy(policy?.Policy, operatorPolicy?.Policy, queue.Type.WithPolicy(queue.DeclaredArguments, settings));
        if (announce && policyChanged)
        {
            Announce(policy?.Policy, "queue", queue.Name);
        }

        if (announce && operatorPolicyChanged)
        {
            AnnounceOperatorPolicy(operatorPolicy?.Policy, queue.Name);
        }
    }

    private void AnnounceOperatorPolicy(Policy? policy, string name)
    {
        if (policy is null)
        {
            PolicyLog.OperatorPolicyCleared(log, virtualHost, name);
        }
        else
        {
            PolicyLog.OperatorPolicyApplied(log, virtualHost, policy.Name, name);
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
