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
internal sealed class ConnectionHandshake(Broker broker, ConnectionWriter writer, EndPoint? remoteEndPoint, TlsPeer? tls)
{
    private static readonly byte[] Locales = "en_US"u8.ToArray();

    public HandshakeStage Stage { get; private set; } = HandshakeStage.AwaitingStartOk;

    public User? User { get; private set; }

    /// <summary>The SASL mechanism the client logged in with (or tried to).</summary>
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

    /// <summary>
    /// True until tune-ok (RabbitMQ's states starting, securing and tuning): an error then closes the socket
    /// without connection.close, except a refused login and a refused tune-ok, which are answered first.
    /// </summary>
    public bool IsBeforeTuneOk => Stage is HandshakeStage.AwaitingStartOk or HandshakeStage.AwaitingTuneOk;

    public ushort HeartbeatSeconds { get; private set; }

    /// <summary>
    /// Whether the client advertised authentication_failure_close: it is told of a failed login with
    /// connection.close ACCESS_REFUSED; otherwise, as the spec says, only by the socket closing.
    /// </summary>
    public bool ReportsLoginFailure { get; private set; }

    /// <summary>RabbitMQ's name of the state the connection is in, for "unexpected method in connection state X".</summary>
    public string StateName => Stage switch
    {
        HandshakeStage.AwaitingStartOk => "starting",
        HandshakeStage.AwaitingTuneOk => "tuning",
        HandshakeStage.AwaitingOpen => "opening",
        _ => "running",
    };

    public void Start() => writer.EnqueueMethod(0, new ConnectionStart
    {
        VersionMajor = 0,
        VersionMinor = 9,
        ServerProperties = ServerProperties.Create(broker.Settings, broker.GlobalParameters.ClusterName),
        Mechanisms = System.Text.Encoding.UTF8.GetBytes(SaslAuthenticator.Mechanisms(offerExternal: tls is not null)),
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
                throw CommandInfo.IsKnown(commandId)
                    ? AmqpException.ChannelError($"unexpected method in connection state {StateName}")
                    : AmqpException.NotImplemented($"unknown method {CommandInfo.GetName(commandId)}");
        }
    }

    private void OnStartOk(ConnectionStartOk startOk)
    {
        ClientProperties = startOk.ClientProperties;
        ClientCapabilities = ClientProperties.GetValueOrDefault("capabilities") as IReadOnlyDictionary<string, object?> ?? FieldTable.Empty;
        ReportsLoginFailure = ClientCapabilities.GetValueOrDefault("authentication_failure_close") is true;
        Mechanism = startOk.Mechanism;

        User user;
        try
        {
            user = Authenticate(startOk.Mechanism, startOk.Response);
            if (broker.Settings.LoopbackUsers.Contains(user.Name) && !IsLoopback(remoteEndPoint))
            {
                throw new LoginRefusedException(Mechanism, user.Name, $"user '{user.Name}' can only connect via localhost");
            }
        }
        catch (Exception ex) when (ex is LoginRefusedException or AmqpException)
        {
            // A response that does not even parse counts as a failed attempt too, as in RabbitMQ.
            broker.AuthenticationAttempts.Failed(AuthenticationAttempts.Amqp, RemoteAddress, (ex as LoginRefusedException)?.UserName ?? "");
            throw;
        }

        User = user;
        broker.AuthenticationAttempts.Succeeded(AuthenticationAttempts.Amqp, RemoteAddress, user.Name);
        Stage = HandshakeStage.AwaitingTuneOk;
        writer.EnqueueMethod(0, new ConnectionTune
        {
            ChannelMax = broker.Settings.ChannelMax,
            FrameMax = broker.Settings.FrameMax,
            Heartbeat = broker.Settings.HeartbeatSeconds,
        });
    }

    /// <summary>The user the response names, with RabbitMQ's reasons (for the log) when there is none.</summary>
    private User Authenticate(string mechanism, byte[] response)
    {
        if (mechanism == SaslAuthenticator.External)
        {
            var (name, refusal) = tls?.Login.UserName(tls.Certificate) ?? throw SaslAuthenticator.UnknownMechanism(mechanism);
            return name is null ? throw new LoginRefusedException(mechanism, "", refusal!)
                : broker.Users.Find(name) ?? throw new LoginRefusedException(mechanism, name, $"user '{name}' - invalid credentials");
        }

        var (userName, password) = SaslAuthenticator.ParseResponse(mechanism, response);
        if (password.Length == 0)
        {
            throw new LoginRefusedException(mechanism, userName,
                $"user '{userName}' attempted to log in with a blank password, which is prohibited by the internal authN backend.");
        }

        return broker.Users.Authenticate(userName, password)
            ?? throw new LoginRefusedException(mechanism, userName, $"user '{userName}' - invalid credentials");
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

    /// <summary>RabbitMQ's order: the node's, the vhost's and the user's connection limits, then the user's access to the vhost.</summary>
    private void OnOpen(ConnectionOpen open)
    {
        broker.CheckConnectionLimits(User!.Name, open.VirtualHost);
        VirtualHost = broker.FindVirtualHost(open.VirtualHost)
            ?? throw AmqpException.NotAllowed($"vhost {open.VirtualHost} not found");
        if (!broker.CanAccessVirtualHost(User.Name, open.VirtualHost))
        {
            throw AmqpException.NotAllowed($"access to vhost '{open.VirtualHost}' refused for user '{User.Name}'");
        }

        // connection.open-ok is sent by the connection once it is registered with the broker.
        Stage = HandshakeStage.Complete;
    }

    private static bool IsLoopback(EndPoint? endPoint) => endPoint is IPEndPoint ip && IPAddress.IsLoopback(ip.Address);

    /// <summary>The client's address as login attempts are counted by source.</summary>
    private string RemoteAddress => remoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : "";
}
