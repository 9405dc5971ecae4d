namespace AmqpBroker.Server.Connections;

/// <summary>What the heartbeat check asks the connection to do on one tick.</summary>
internal enum HeartbeatAction
{
    None,

    /// <summary>Nothing was sent for half the interval: send a heartbeat frame.</summary>
    SendHeartbeat,

    /// <summary>Nothing was received for two intervals: the peer is gone (<see cref="HeartbeatMonitor.AbortReason"/>).</summary>
    Abort,
}

/// <summary>
/// AMQP heartbeats for one connection, as RabbitMQ does them: a heartbeat frame after half the negotiated
/// interval without sending anything, and the connection given up after two intervals without receiving
/// anything. The read loop marks received frames (<see cref="OnFrameReceived"/>, thread-safe); everything
/// else runs on the scheduler's tick, which alone owns the timestamps, so <see cref="Tick"/> is a plain
/// function of its arguments and what earlier ticks saw.
/// </summary>
internal sealed class HeartbeatMonitor(DateTimeOffset start)
{
    private DateTimeOffset _lastReceived = start;
    private DateTimeOffset _lastSent = start;
    private volatile bool _receivedSinceTick;
    private volatile int _seconds;

    /// <summary>The negotiated interval in seconds; 0 (the default, and before tune-ok) turns heartbeats off.</summary>
    public ushort Seconds
    {
        get => (ushort)_seconds;
        set => _seconds = value;
    }

    public string AbortReason => $"missed heartbeats from client, timeout: {Seconds}s";

    public void OnFrameReceived() => _receivedSinceTick = true;

    /// <param name="now">The tick's time.</param>
    /// <param name="sentSinceTick">Whether the writer sent anything since the last tick.</param>
    /// <param name="readingPaused">
    /// The connection is blocked and its input is not being read: silence from the peer then proves nothing,
    /// so the check pauses (RabbitMQ pauses its receive monitor); no heartbeat is sent meanwhile either.
    /// </param>
    public HeartbeatAction Tick(DateTimeOffset now, bool sentSinceTick, bool readingPaused)
    {
        if (_receivedSinceTick)
        {
            _receivedSinceTick = false;
            _lastReceived = now;
        }

        if (sentSinceTick)
        {
            _lastSent = now;
        }

        var seconds = Seconds;
        if (seconds == 0)
        {
            return HeartbeatAction.None;
        }

        if (readingPaused)
        {
            _lastReceived = now;
            return HeartbeatAction.None;
        }

        var interval = TimeSpan.FromSeconds(seconds);
        if (now - _lastReceived > interval * 2)
        {
            return HeartbeatAction.Abort;
        }

        if (now - _lastSent >= interval / 2)
        {
            _lastSent = now;
            return HeartbeatAction.SendHeartbeat;
        }

        return HeartbeatAction.None;
    }
}
