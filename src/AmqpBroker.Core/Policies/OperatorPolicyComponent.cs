using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core.Policies;

/// <summary>
/// The <c>operator_policy</c> runtime parameter component: checks an operator policy before it is stored and
/// puts it in force in its virtual host, or takes it away (rabbit_policy's validate/5, notify/5 and notify_clear/4).
/// </summary>
internal sealed class OperatorPolicyComponent(VersionProfile profile, Func<string, VirtualHost?> findVirtualHost) : IRuntimeParameterComponent
{
    public string Name => OperatorPolicies.Component;

    public void Validate(RuntimeParameter parameter) => OperatorPolicies.Compile(parameter, profile);

    public void OnSet(RuntimeParameter parameter) =>
        findVirtualHost(parameter.VirtualHost)?.PutPolicy(OperatorPolicies.Compile(parameter, profile), isOperatorPolicy: true);

    public void OnCleared(string virtualHost, string name) => findVirtualHost(virtualHost)?.DeletePolicy(name, isOperatorPolicy: true);
}
