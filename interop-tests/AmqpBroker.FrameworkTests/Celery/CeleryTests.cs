using System.Globalization;
using AmqpBroker.Core.Profiles;
using AmqpBroker.FrameworkTests.Support;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.FrameworkTests.Celery;

/// <summary>
/// Celery 5 (kombu on py-amqp, a client of its own) against the broker: tools/crosscheck/celery_check.py runs a
/// worker and its callers in one process (results over rpc://, groups, chains, retries, a failing task, late
/// acks with a prefetch, a broadcast ping). Skipped (not passed) where no python3 with Celery is installed.
/// </summary>
public sealed class CeleryTests(string release) : BrokerFixture(release)
{
    private static readonly TimeSpan ScriptDeadline = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Celery 5.2's worker declares its event and broadcast (pidbox) queues neither durable nor exclusive, which
    /// RabbitMQ 4.3 refuses by default (541, "Feature `transient_nonexcl_queues` is deprecated"): a Celery 5.2
    /// application on 4.3 sets <c>deprecated_features.permit.transient_nonexcl_queues = true</c>, and so does this.
    /// </summary>
    protected override DeprecatedFeatures Permitted { get; } = new() { PermitTransientNonExclusiveQueues = true };

    [Test]
    public async Task Celery_check_passes()
    {
        var python = await CrosscheckScripts.FindPythonAsync("celery");
        if (python is null)
        {
            Assert.Ignore("python3-celery is not installed: the Celery check did not run (apt-get install python3-celery)");
        }

        Assert.That(Broker.AmqpUri.Host, Is.EqualTo("127.0.0.1").Or.EqualTo("localhost"), "the script connects to 127.0.0.1 with guest/guest");
        await CrosscheckScripts.AssertPassesAsync(python!, "celery_check.py", [Broker.AmqpUri.Port.ToString(CultureInfo.InvariantCulture)], ScriptDeadline);
    }
}
