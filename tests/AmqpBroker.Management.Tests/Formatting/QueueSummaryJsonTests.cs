using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Tests.Formatting;

/// <summary>A classic queue listed with <c>disable_stats=true</c> as RabbitMQ 3.10.8 lists it (rabbit_mgmt_wm_queues:basic; checked with curl).</summary>
public sealed class QueueSummaryJsonTests
{
    [TestCase(false, true, """{"arguments":{},"auto_delete":false,"durable":true,"exclusive":false,"name":"q","node":"n@host","policy":"limit","state":"live","type":"classic","vhost":"/"}""")]
    [TestCase(true, true, """{"arguments":{},"auto_delete":false,"durable":true,"exclusive":false,"messages":2,"messages_ready":2,"messages_unacknowledged":0,"name":"q","node":"n@host","policy":"limit","state":"running","type":"classic","vhost":"/"}""")]
    [TestCase(false, false, """{"arguments":{},"auto_delete":false,"durable":true,"exclusive":false,"name":"q","node":"n@host","state":"live","type":"classic","vhost":"/"}""")]
    public void A_classic_queue_has_its_definition_node_state_and_policy_and_with_totals_its_counts(bool totals, bool withPolicy, string expected)
    {
        using var broker = new Broker(new BrokerSettings { Profile = VersionProfile.For(new RabbitMqRelease(3, 10)) }, TimeProvider.System);
        var owner = new ClientConnection("test", broker.Users.Find("guest")!, "/", FieldTable.Empty, DateTimeOffset.UtcNow, _ => { });
        var queue = broker.FindVirtualHost("/")!.DeclareQueue(new QueueDefinition("q", "/", true, false, false, FieldTable.Empty), owner, passive: false);
        broker.PutPolicy(new Policy("/", "limit", "^q$", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["max-length"] = 100 }));
        for (var i = 0; i < 2; i++)
        {
            var message = Message.Create("", "q", new BasicProperties().Encode(), Encoding.UTF8.GetBytes("body"));
            queue.Enqueue(message);
            message.Release();
        }

        Assert.That(QueueSummaryJson.Create(queue, totals, withPolicy, "n@host").ToJsonString(), Is.EqualTo(expected));
    }
}
