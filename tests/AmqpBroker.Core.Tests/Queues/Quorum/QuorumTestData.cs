using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core.Tests.Queues.Quorum;

/// <summary>Declaring quorum queues and putting messages into them, for the quorum fixtures.</summary>
internal static class QuorumTestData
{
    public static Queue Declare(VirtualHost virtualHost, ClientConnection connection, string name, params (string Key, object? Value)[] arguments)
    {
        var table = arguments.ToDictionary(a => a.Key, a => a.Value);
        table["x-queue-type"] = "quorum";
        return virtualHost.DeclareQueue(TestData.QueueDefinition(name, durable: true, arguments: table), connection, passive: false);
    }

    /// <summary>Enqueues one message as routing would; returns whether the queue took it.</summary>
    public static bool Enqueue(Queue queue, string body)
    {
        var message = TestData.Message(body);
        try
        {
            return queue.Enqueue(message);
        }
        finally
        {
            message.Release();
        }
    }
}
