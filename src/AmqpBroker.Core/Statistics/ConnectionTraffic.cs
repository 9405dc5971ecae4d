namespace AmqpBroker.Core.Statistics;

/// <summary>
/// Bytes and socket reads/writes of one connection (RabbitMQ's recv_oct, recv_cnt, send_oct, send_cnt). The
/// read loop counts each read and the writer each flush, one writer per side, so plain adds published with
/// <see cref="Volatile"/> suffice; readers (a metrics scrape) may see a value one read behind.
/// </summary>
public sealed class ConnectionTraffic
{
    private long _receivedBytes;
    private long _receivedPackets;
    private long _sentBytes;
    private long _sentPackets;
    private Func<int>? _pending;

    public long ReceivedBytes => Volatile.Read(ref _receivedBytes);

    public long ReceivedPackets => Volatile.Read(ref _receivedPackets);

    public long SentBytes => Volatile.Read(ref _sentBytes);

    public long SentPackets => Volatile.Read(ref _sentPackets);

    /// <summary>Messages queued for the socket and not yet written (rabbitmq_connection_pending_packets), read from the writer when asked.</summary>
    public int PendingPackets => _pending?.Invoke() ?? 0;

    /// <summary>Where <see cref="PendingPackets"/> is read: the connection's writer, set once as the connection starts.</summary>
    public void WatchPending(Func<int> pending) => _pending = pending;

    /// <summary>One read of <paramref name="bytes"/> new bytes from the socket (the read loop only).</summary>
    public void OnReceived(long bytes)
    {
        Volatile.Write(ref _receivedBytes, _receivedBytes + bytes);
        Volatile.Write(ref _receivedPackets, _receivedPackets + 1);
    }

    /// <summary>One flush of <paramref name="bytes"/> to the socket (the writer loop only).</summary>
    public void OnSent(long bytes)
    {
        Volatile.Write(ref _sentBytes, _sentBytes + bytes);
        Volatile.Write(ref _sentPackets, _sentPackets + 1);
    }
}
