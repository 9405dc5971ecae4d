using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Statistics;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Tests.Formatting;

public sealed class QueueListTests
{
    [Test]
    public void Every_field_read_from_a_queue_equals_what_its_JSON_holds_so_sorting_by_either_agrees()
    {
        using var broker = new Broker(new BrokerSettings(), TimeProvider.System);
        using var rates = new RateSampler(broker);
        var context = new ManagementContext(broker, () => [], rates);
        var owner = new ClientConnection("test", broker.Users.Find("guest")!, "/", FieldTable.Empty, DateTimeOffset.UtcNow, _ => { });
        var queue = broker.FindVirtualHost("/")!.DeclareQueue(new QueueDefinition("q", "/", true, false, false, FieldTable.Empty), owner, passive: false);
        broker.PutPolicy(new Policy("/", "limit", "^q$", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["max-length"] = 100 }));
        broker.Parameters.Put(Core.Parameters.RuntimeParameter.FromJson(OperatorPolicies.Component, "/", "cap", """{"pattern":"^q$","definition":{"max-length":50},"priority":0}"""));
        rates.Sample(DateTimeOffset.UnixEpoch);
        for (var i = 0; i < 3; i++)
        {
            var message = Message.Create("", "q", new BasicProperties().Encode(), Encoding.UTF8.GetBytes("body"));
            queue.Enqueue(message);
            message.Release();
        }

        queue.TryTake(out _, out _);
        rates.Sample(DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(5));

        var json = QueueJson.Create(queue, Array.Empty<Consumer>(), context);
        using (Assert.EnterMultipleScope())
        {
            foreach (var (path, read) in QueueList.Fields(rates))
            {
                Assert.That(JsonPath.Get(json, path), Is.Not.Null, path);
                Assert.That(JsonValueOrder.Instance.Compare(read(queue), JsonPath.Get(json, path)), Is.Zero, $"{path}: {read(queue)?.ToJsonString()} vs {JsonPath.Get(json, path)?.ToJsonString()}");
            }
        }
    }
}
