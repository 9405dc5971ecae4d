namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Connections to a broker process the tests started themselves on 127.0.0.1 (as guest): no recovery, so a
/// killed or stopped broker shows as a closed connection, and every wait bounded.
/// </summary>
internal static class LoopbackFactory
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static ConnectionFactory For(int port) => new()
    {
        HostName = "127.0.0.1",
        Port = port,
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
        RequestedConnectionTimeout = Timeout,
        ContinuationTimeout = Timeout,
        HandshakeContinuationTimeout = Timeout,
    };
}
