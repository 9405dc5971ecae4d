using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Ignores a fixture or test, with the reason, when the suite runs against the broker at <c>AMQP_URI</c>
/// (the rule of <see cref="BrokerTestBase"/>'s IsExternal): it needs a broker of its own, the in-process one or
/// an executable it starts, because it configures, faults or watches that broker. Decided when the tests are
/// built, so an ignored fixture starts nothing.
/// </summary>
/// <param name="reason">Why RabbitMQ at <c>AMQP_URI</c> cannot stand in for the test's own broker.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = true)]
internal sealed class OwnBrokerOnlyAttribute(string reason) : NUnitAttribute, IApplyToTest
{
    public string Reason { get; } = reason;

    public void ApplyToTest(Test test)
    {
        if (Environment.GetEnvironmentVariable("AMQP_URI") is { Length: > 0 } && test.RunState != RunState.NotRunnable)
        {
            test.RunState = RunState.Ignored;
            test.Properties.Set(PropertyNames.SkipReason, Reason);
        }
    }
}
