using System.Buffers;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// Counts what arrives on a connection's input pipe, once per read: a read hands back what the last one left
/// unconsumed plus what arrived since, so only the difference is new. The memory watermark hears of it too, so
/// that a flood is checked against the limit as it arrives.
/// </summary>
internal sealed class InputCounter(ConnectionTraffic traffic, MemoryWatermark? memory)
{
    private long _left;

    public void OnRead(in ReadOnlySequence<byte> buffer)
    {
        var arrived = buffer.Length - _left;
        if (arrived > 0)
        {
            traffic.OnReceived(arrived);
            memory?.OnReceived(arrived);
        }
    }

    /// <summary>What the reader left in the pipe after examining a read.</summary>
    public void OnLeft(in ReadOnlySequence<byte> unconsumed) => _left = unconsumed.Length;
}
