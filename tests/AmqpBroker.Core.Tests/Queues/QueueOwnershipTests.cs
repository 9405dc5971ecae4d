using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>Exclusive ownership on its own: the owning connection, and the exclusivity a redeclare must repeat.</summary>
[TestFixture]
public sealed class QueueOwnershipTests
{
    [Test]
    public void An_exclusive_queue_is_locked_to_its_connection_and_to_its_exclusivity()
    {
        var owner = TestData.Connection("owner");
        var other = TestData.Connection("other");
        var exclusive = new QueueOwnership(TestData.QueueDefinition("q", exclusive: true), owner);
        var shared = new QueueOwnership(TestData.QueueDefinition("s"), null);

        using (Assert.EnterMultipleScope())
        {
            Assert.DoesNotThrow(() => exclusive.CheckAccess(owner));
            Assert.DoesNotThrow(() => shared.CheckAccess(other));
            Assert.That(Assert.Throws<AmqpException>(() => exclusive.CheckAccess(other))!.ReplyText, Does.StartWith(
                "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'q' in vhost '/'."));
            Assert.Throws<AmqpException>(() => exclusive.CheckExclusivity(false));
            Assert.Throws<AmqpException>(() => shared.CheckExclusivity(true));
        }
    }
}
