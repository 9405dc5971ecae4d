using System.Net;
using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Connections;

internal enum HandshakeStage
{
    AwaitingStartOk,
    AwaitingTuneOk,
    AwaitingOpen,
    Complete,
}

/// <summary>
/// The connection's opening dialogue on channel 0: start/start-ok (authentication), tune/tune-ok
/// (limits), open/open-ok (virtual host). Kept apart from the steady-state frame loop.
/// </summary>
internal sealed class ConnectionHandshake(Broker broker, ConnectionWriter writer, EndPoint? remoteEndPoint)
{
    private static readonly byte[] Locales = "en_US"u8.ToArray();

    public HandshakeStage Stage { get; private set; } = HandshakeStage.AwaitingStartOk;

    public User? User { get; private set; }

    /// <summary>The SASL mechanism the client logged in with.</summary>
    public string Mechanism { get; private set; } = "";

    public IReadOnlyDictionary<string, object?> ClientProperties { get; private set; } = FieldTable.Empty;

    /// <summary>The <c>capabilities</c> table of the client properties.</summary>
    public IReadOnlyDictionary<string, object?> ClientCapabilities { get; private set; } = FieldTable.Empty;

    public VirtualHost? VirtualHost { get; private set; }

    public ushort ChannelMax { get; private set; }

    /// <summary>The negotiated frame_max; until tune-ok, the spec's frame-min-size.</summary>
    public uint FrameMax { get; private set; } = AmqpConstants.FrameMinSize;

    /// <summary>
    /// The largest frame payload accepted now. Until tune-ok RabbitMQ accepts no frame over a small frame_max:
    /// frame-min-size, 4096 bytes, up to 4.0 and 8192 from 4.1 (the profile's), so an unauthenticated peer cannot
    /// send large frames at all. Like RabbitMQ, which forgives clients the 8 bytes of frame overhead
    /// (rabbit_reader's FRAME_SIZE_FUDGE), the limit is on the payload: 4096 is accepted, 4097 is not
    /// (RabbitMQ 3.10.8 checked).
    /// </summary>
    public uint PayloadLimit => IsBeforeTuneOk ? broker.Settings.Profile.PreAuthenticationFrameMax : FrameMax;

    /// <summary>True until tune-ok: errors then close the socket without connection.close, as RabbitMQ does.</summary>
    public bool IsBeforeTuneOk => Stage is HandshakeStage.AwaitingStartOk or HandshakeStage.AwaitingTuneOk;

    public ushort HeartbeatSeconds { get; private set; }

    /// <summary>
    /// A client that did not advertise authentication_failure_close is told of a failed login only by the
    /// socket closing, as the spec says; one that did gets connection.close with ACCESS_REFUSED first.
    /// </summary>
    public bool CloseSilently { get; private set; }

    public void Start() => writer.EnqueueMethod(0, new ConnectionStart
    {
        VersionMajor = 0,
        VersionMinor = 9,
        ServerProperties = ServerProperties.Create(broker.Settings),
        Mechanisms = System.Text.Encoding.UTF8.GetBytes(SaslAuthenticator.Mechanisms),
        Locales = Locales,
    });

    public void Handle(uint commandId, ref AmqpReader reader)
    {
        switch ((Stage, commandId))
        {
            case (HandshakeStage.AwaitingStartOk, CommandIds.ConnectionStartOk):
                OnStartOk(ConnectionStartOk.Read(ref reader));
                break;
            case (HandshakeStage.AwaitingTuneOk, CommandIds.ConnectionTuneOk):
                OnTuneOk(ConnectionTuneOk.Read(ref reader));
                break;
            case (HandshakeStage.AwaitingOpen, CommandIds.ConnectionOpen):
                OnOpen(ConnectionOpen.Read(ref reader));
                break;
            default:
                throw AmqpException.CommandInvalid($"expected '{ExpectedMethod}', got '{CommandInfo.GetName(commandId)}'");
        }
    }

    private string ExpectedMethod => Stage switch
    {
        HandshakeStage.AwaitingStartOk => "connection.start_ok",
        HandshakeStage.AwaitingTuneOk => "connection.tune_ok",
        _ => "connection.open",
    };

    private void OnStartOk(ConnectionStartOk startOk)
    {
        ClientProperties = startOk.ClientProperties;
        ClientCapabilities = ClientProperties.GetValueOrDefault("capabilities") as IReadOnlyDictionary<string, object?> ?? FieldTable.Empty;
        CloseSilently = ClientCapabilities.GetValueOrDefault("authentication_failure_close") is not true;

        var (userName, password) = SaslAuthenticator.ParseResponse(startOk.Mechanism, startOk.Response);
        var user = broker.Users.Authenticate(userName, password)
            ?? throw AmqpException.AccessRefused($"Login was refused using authentication mechanism {startOk.Mechanism}. For details see the broker logfile.");
        if (broker.Settings.LoopbackUsers.Contains(user.Name) && !IsLoopback(remoteEndPoint))
        {
            throw AmqpException.AccessRefused($"user '{user.Name}' can only connect via localhost");
        }

        User = user;
        Mechanism = startOk.Mechanism;
        CloseSilently = false;
        Stage = HandshakeStage.AwaitingTuneOk;
        writer.EnqueueMethod(0, new ConnectionTune
        {
            ChannelMax = broker.Settings.ChannelMax,
            FrameMax = broker.Settings.FrameMax,
            Heartbeat = broker.Settings.HeartbeatSeconds,
        });
    }

    private void OnTuneOk(ConnectionTuneOk tuneOk)
    {
        var settings = broker.Settings;
        CheckNegotiated("frame_max", tuneOk.FrameMax, AmqpConstants.FrameMinSize, settings.FrameMax);
        CheckNegotiated("channel_max", tuneOk.ChannelMax, 1, settings.ChannelMax);
        FrameMax = tuneOk.FrameMax;
        ChannelMax = tuneOk.ChannelMax;
        HeartbeatSeconds = tuneOk.Heartbeat;
        Stage = HandshakeStage.AwaitingOpen;
    }

    /// <summary>RabbitMQ's rule: a value below the minimum, or zero or above the maximum when the server has one, is refused.</summary>
    private static void CheckNegotiated(string field, uint value, uint minimum, uint maximum)
    {
        if (value != 0 && value < minimum)
        {
            throw AmqpException.NotAllowed($"negotiated {field} = {value} is lower than the minimum allowed value ({minimum})");
        }

        if (maximum != 0 && (value == 0 || value > maximum))
        {
            throw AmqpException.NotAllowed($"negotiated {field} = {value} is higher than the maximum allowed value ({maximum})");
        }
    }

    private void OnOpen(ConnectionOpen open)
    {
        VirtualHost = broker.FindVirtualHost(open.VirtualHost)
            ?? throw AmqpException.NotAllowed($"vhost {open.VirtualHost} not found");
        if (!broker.CanAccessVirtualHost(User!.Name, open.VirtualHost))
        {
            throw AmqpException.NotAllowed($"access to vhost '{open.VirtualHost}' refused for user '{User.Name}'");
        }

        if (broker.Settings.MaxConnections > 0 && broker.ConnectionCount >= broker.Settings.MaxConnections)
        {
            throw AmqpException.NotAllowed($"connection limit ({broker.Settings.MaxConnections}) is reached");
        }

        // connection.open-ok is sent by the connection once it is registered with the broker.
        Stage = HandshakeStage.Complete;
    }

    private static bool IsLoopback(EndPoint? endPoint) => endPoint is IPEndPoint ip && IPAddress.IsLoopback(ip.Address);
}
