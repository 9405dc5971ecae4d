namespace AmqpBroker.Core.Policies;

/// <summary>
/// A virtual host's policies, immutable and ordered by precedence: highest priority first, and among equal
/// priorities (where RabbitMQ leaves the choice undefined) by name, so the choice is at least stable.
/// </summary>
internal sealed class PolicySet
{
    public static readonly PolicySet Empty = new([]);

    private readonly CompiledPolicy[] _byPrecedence;

    private PolicySet(CompiledPolicy[] byPrecedence) => _byPrecedence = byPrecedence;

    public IReadOnlyCollection<Policy> Policies => [.. _byPrecedence.Select(p => p.Policy)];

    /// <summary>The policy that applies to the named queue or exchange, if any: only one ever does.</summary>
    public CompiledPolicy? Match(string name, PolicyTarget target)
    {
        foreach (var policy in _byPrecedence)
        {
            if (policy.AppliesTo(name, target))
            {
                return policy;
            }
        }

        return null;
    }

    /// <summary>This set with <paramref name="policy"/> added, replacing one of the same name.</summary>
    public PolicySet With(CompiledPolicy policy) =>
        new([.. _byPrecedence.Where(p => p.Policy.Name != policy.Policy.Name).Append(policy).OrderByDescending(p => p.Policy.Priority).ThenBy(p => p.Policy.Name, StringComparer.Ordinal)]);

    /// <summary>This set without the named policy, or this very set when there is none.</summary>
    public PolicySet Without(string name) =>
        _byPrecedence.Any(p => p.Policy.Name == name) ? new([.. _byPrecedence.Where(p => p.Policy.Name != name)]) : this;
}
