namespace AmqpBroker.Server.Connections;

/// <summary>
/// The waits a connection does not let a peer drag out: the handshake (connection.open-ok must be reached in
/// time), the close handshake (connection.close-ok must answer our connection.close), and the drain after our
/// close-ok (the peer must close its side). The read loop records the close; the scheduler's tick asks whether
/// a deadline has passed.
/// </summary>
internal sealed class ConnectionDeadlines(DateTimeOffset startedAt, TimeSpan handshakeTimeout)
{
    public const string HandshakeExpiredReason = "handshake timed out";
    public const string CloseOkExpiredReason = "no connection.close-ok from the client";
    public const string DrainExpiredReason = "the client kept the socket open after connection.close-ok";

    private static readonly TimeSpan CloseOkTimeout = TimeSpan.FromSeconds(3);

    /// <summary>RabbitMQ's CLOSING_TIMEOUT (rabbit_reader): the longest a closed connection's socket stays open.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);

    /// <summary>When connection.close was sent, in UTC ticks; 0 while it was not. Written and read on different threads.</summary>
    private long _closingSinceTicks;

    /// <summary>When the drain after close-ok ends, in UTC ticks; 0 while there is none.</summary>
    private long _drainUntilTicks;

    /// <summary>connection.close was sent at <paramref name="now"/>.</summary>
    public void OnClosing(DateTimeOffset now) => Volatile.Write(ref _closingSinceTicks, now.UtcTicks);

    /// <summary>
    /// connection.close-ok was sent at <paramref name="now"/>: the peer has the negotiated heartbeat interval, at
    /// most 30 s (30 s without heartbeats), to close its side, as rabbit_reader:close_connection gives it.
    /// </summary>
    public void OnDraining(DateTimeOffset now, ushort heartbeatSeconds)
    {
        var limit = heartbeatSeconds > 0 ? TimeSpan.FromSeconds(Math.Min(heartbeatSeconds, DrainLimit.TotalSeconds)) : DrainLimit;
        Volatile.Write(ref _drainUntilTicks, (now + limit).UtcTicks);
    }

    public bool HandshakeExpired(DateTimeOffset now) => now - startedAt > handshakeTimeout;

    public bool CloseOkExpired(DateTimeOffset now)
    {
        var since = Volatile.Read(ref _closingSinceTicks);
        return since != 0 && now.UtcTicks - since > CloseOkTimeout.Ticks;
    }

    public bool DrainExpired(DateTimeOffset now)
    {
        var until = Volatile.Read(ref _drainUntilTicks);
        return until != 0 && now.UtcTicks >= until;
    }
}
