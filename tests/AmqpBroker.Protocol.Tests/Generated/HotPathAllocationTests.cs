using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Generated;

/// <summary>The per-message methods must size and encode without allocating.</summary>
[TestFixture]
[NonParallelizable]
public sealed class HotPathAllocationTests
{
    private readonly byte[] _buffer = new byte[1024];

    [Test]
    public void Basic_publish_allocates_nothing() =>
        AssertNoAllocation(new BasicPublish { Exchange = "amq.topic", RoutingKey = "orders.created.eu", Mandatory = true });

    [Test]
    public void Basic_deliver_allocates_nothing() =>
        AssertNoAllocation(new BasicDeliver { ConsumerTag = "amq.ctag-123", DeliveryTag = 99, Redelivered = true, Exchange = "amq.topic", RoutingKey = "orders.é" });

    [Test]
    public void Basic_ack_allocates_nothing() => AssertNoAllocation(new BasicAck { DeliveryTag = 12345, Multiple = true });

    private void AssertNoAllocation<T>(T method) where T : struct, IAmqpMethod<T>
    {
        // The first round pays for JIT compilation; only the later ones are measured.
        Encode(method);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Encode(method);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private void Encode<T>(in T method) where T : struct, IAmqpMethod<T>
    {
        var writer = new AmqpWriter(_buffer.AsSpan(0, method.ArgumentsSize));
        method.WriteArguments(ref writer);
    }
}
