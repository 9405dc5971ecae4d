using AmqpBroker.Core.Profiles;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.Shovel;

/// <summary>
/// One end of a shovel: a connection and a channel to one of the end's URIs. Like RabbitMQ it picks the
/// URIs in random order and tries the next when one fails; when none answers, the attempt fails with the
/// last reason. A connection the other side closes or loses marks the end failed (<see cref="Failed"/>), and so does a
/// channel the server closes, unless the release ignores that close (<see cref="VersionProfile.ShovelAnyChannelCloseStops"/>).
/// </summary>
internal sealed class ShovelConnection : IAsyncDisposable
{
    /// <summary>The reply code of a channel close that stops the shovel on every release (PRECONDITION_FAILED).</summary>
    private const ushort PreconditionFailed = 406;

    private readonly TaskCompletionSource<ShovelFailure> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _role;
    private readonly bool _anyChannelCloseStops;
    private volatile bool _closing;
    private volatile bool _channelCloseIgnored;

    private ShovelConnection(IConnection connection, IChannel channel, ShovelUri uri, string role, bool anyChannelCloseStops)
    {
        Connection = connection;
        Channel = channel;
        Uri = uri;
        _role = role;
        _anyChannelCloseStops = anyChannelCloseStops;
        connection.ConnectionShutdownAsync += (_, e) => OnConnectionShutdown(e);
        channel.ChannelShutdownAsync += (_, e) => OnChannelShutdown(e);
    }

    public IConnection Connection { get; }

    public IChannel Channel { get; }

    public ShovelUri Uri { get; }

    /// <summary>Whether the server closed the channel and the release ignored it: the end runs on without a channel.</summary>
    public bool ChannelCloseIgnored => _channelCloseIgnored;

    /// <summary>Completes with why once the broker or the network ends this connection or channel.</summary>
    public Task<ShovelFailure> Failed => _failed.Task;

    /// <param name="uris">The end's URIs, tried in random order.</param>
    /// <param name="local">Where a URI without a host connects.</param>
    /// <param name="identity">The shovel, for the connection's name.</param>
    /// <param name="role"><c>source</c> or <c>destination</c>, for failure reasons.</param>
    /// <param name="confirms">Whether the channel is in confirm mode (an on-confirm destination).</param>
    /// <param name="profile">The release, which says which channel closes stop the shovel.</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    public static async Task<ShovelConnection> OpenAsync(
        IReadOnlyList<ShovelUri> uris, LocalBroker local, ShovelIdentity identity, string role, bool confirms, VersionProfile profile, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var uri in uris.OrderBy(_ => Random.Shared.Next()))
        {
            IConnection? connection = null;
            try
            {
                connection = await uri.CreateFactory(local, identity.ConnectionName).CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
                var options = new CreateChannelOptions(publisherConfirmationsEnabled: confirms, publisherConfirmationTrackingEnabled: false);
                var channel = await connection.CreateChannelAsync(options, cancellationToken).ConfigureAwait(false);
                return new ShovelConnection(connection, channel, uri, role, profile.ShovelAnyChannelCloseStops);
            }
            catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                failures.Add($"{uri.Display}: {Describe(ex)}");
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        throw new ShovelConnectException(role, $"{role} unreachable ({string.Join("; ", failures)})");
    }

    /// <summary>
    /// Makes sure the queue exists as RabbitMQ's shovel does: a passive declare on a channel of its own (a
    /// missing queue closes that channel), and when it is missing a durable declare with <paramref name="arguments"/>;
    /// a <paramref name="predeclared"/> queue must exist, and its absence fails the setup with the 404.
    /// </summary>
    public async Task EnsureQueueAsync(string queue, IReadOnlyDictionary<string, object?> arguments, bool predeclared, CancellationToken cancellationToken)
    {
        await using (var probe = await Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await probe.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404 && !predeclared)
            {
                // Missing: declared below.
            }
        }

        await using var declare = await Connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await declare.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>(arguments), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        try
        {
            await Connection.CloseAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationInterruptedException or IOException or ObjectDisposedException or TimeoutException or AlreadyClosedException)
        {
            // Already gone: nothing left to close.
        }

        await Connection.DisposeAsync().ConfigureAwait(false);
    }

    private Task OnConnectionShutdown(ShutdownEventArgs e)
    {
        if (!_closing)
        {
            _failed.TrySetResult(e.Initiator == ShutdownInitiator.Peer
                ? new ConnectionClosedByServer(e.ReplyCode, e.ReplyText, Uri.IsLocal)
                : new ConnectionLost($"{_role} connection failed: {e.ReplyText}"));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A channel closed with its connection is the connection's failure; one the server closed alone stops the shovel
    /// when the release says so, else it is left closed and the shovel runs on without it.
    /// </summary>
    private Task OnChannelShutdown(ShutdownEventArgs e)
    {
        if (_closing || Connection.CloseReason is not null || e.Initiator != ShutdownInitiator.Peer)
        {
            return Task.CompletedTask;
        }

        if (_anyChannelCloseStops || e.ReplyCode == PreconditionFailed)
        {
            _failed.TrySetResult(new ChannelClosedByServer(e.ReplyText));
        }
        else
        {
            _channelCloseIgnored = true;
        }

        return Task.CompletedTask;
    }

    private static string Describe(Exception ex) => ex switch
    {
        BrokerUnreachableException { InnerException: { } inner } => Describe(inner),
        AuthenticationFailureException auth => auth.Message,
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } => "connection to target host was refused (ECONNREFUSED)",
        _ when ex.InnerException is { } inner && ex is not OperationInterruptedException => Describe(inner),
        _ => ex.Message,
    };
}

/// <summary>No URI of a shovel end could be connected to: the shovel tries again after its reconnect delay.</summary>
/// <param name="role"><c>source</c> or <c>destination</c>: the end that could not be reached.</param>
/// <param name="message">Every URI tried, with why it failed.</param>
internal sealed class ShovelConnectException(string role, string message) : Exception(message)
{
    public string Role => role;
}
