namespace AmqpBroker.Server.Connections;

/// <summary>
/// The two waits a connection does not let a peer drag out: the handshake (connection.open-ok must be
/// reached in time) and the close handshake (connection.close-ok must answer our connection.close).
/// The read loop records the close; the scheduler's tick asks whether a deadline has passed.
/// </summary>
internal sealed class ConnectionDeadlines(DateTimeOffset startedAt, TimeSpan handshakeTimeout)
{
    public const string HandshakeExpiredReason = "handshake timed out";
    public const string CloseOkExpiredReason = "no connection.close-ok from the client";

    private static readonly TimeSpan CloseOkTimeout = TimeSpan.FromSeconds(3);

    /// <summary>When connection.close was sent, in UTC ticks; 0 while it was not. Written and read on different threads.</summary>
    private long _closingSinceTicks;

    /// <summary>connection.close was sent at <paramref name="now"/>.</summary>
    public void OnClosing(DateTimeOffset now) => Volatile.Write(ref _closingSinceTicks, now.UtcTicks);

    public bool HandshakeExpired(DateTimeOffset now) => now - startedAt > handshakeTimeout;

    public bool CloseOkExpired(DateTimeOffset now)
    {
        var since = Volatile.Read(ref _closingSinceTicks);
        return since != 0 && now.UtcTicks - since > CloseOkTimeout.Ticks;
    }
}
