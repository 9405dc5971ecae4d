using System.Text.RegularExpressions;

namespace AmqpBroker.Core.Policies;

/// <summary>A validated <see cref="Core.Policies.Policy"/>: its pattern parsed once (with its match budget) and its settings typed.</summary>
internal sealed class CompiledPolicy(Policy policy, Regex pattern, PolicySettings settings)
{
    public Policy Policy => policy;

    public PolicySettings Settings => settings;

    public bool AppliesTo(string name, PolicyTarget target) =>
        (policy.ApplyTo == PolicyApplyTo.All || policy.ApplyTo == (target == PolicyTarget.Queue ? PolicyApplyTo.Queues : PolicyApplyTo.Exchanges))
        && Matches(name);

    /// <summary>Whether the pattern matches <paramref name="name"/>; a match out of its budget does not (rabbit_policy:matches, re:run's nomatch).</summary>
    private bool Matches(string name)
    {
        try
        {
            return pattern.IsMatch(name);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
