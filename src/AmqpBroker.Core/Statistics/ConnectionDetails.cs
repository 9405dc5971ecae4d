namespace AmqpBroker.Core.Statistics;

/// <summary>Where a client connection runs and what it negotiated, as the admin API lists it.</summary>
public sealed record ConnectionDetails(
    string PeerHost,
    int PeerPort,
    string Host,
    int Port,
    string AuthMechanism,
    uint FrameMax,
    ushort ChannelMax,
    ushort HeartbeatSeconds)
{
    public static readonly ConnectionDetails Unknown = new("", 0, "", 0, "", 0, 0, 0);
}
