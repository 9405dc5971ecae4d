using System.Text.RegularExpressions;

namespace AmqpBroker.Core.Policies;

/// <summary>A validated <see cref="Core.Policies.Policy"/>: its pattern parsed once and its settings typed.</summary>
internal sealed class CompiledPolicy(Policy policy, Regex pattern, PolicySettings settings)
{
    public Policy Policy => policy;

    public PolicySettings Settings => settings;

    public bool AppliesTo(string name, PolicyTarget target) =>
        (policy.ApplyTo == PolicyApplyTo.All || policy.ApplyTo == (target == PolicyTarget.Queue ? PolicyApplyTo.Queues : PolicyApplyTo.Exchanges))
        && pattern.IsMatch(name);
}
