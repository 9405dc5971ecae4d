namespace AmqpBroker.Core.Policies;

/// <summary>What a policy is being matched against.</summary>
internal enum PolicyTarget
{
    Queue,
    Exchange,
}
