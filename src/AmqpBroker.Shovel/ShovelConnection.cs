using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.Shovel;

/// <summary>
/// One end of a shovel: a connection and a channel to one of the end's URIs. Like RabbitMQ it picks the
/// URIs in random order and tries the next when one fails; when none answers, the attempt fails with the
/// last reason. A connection or channel the other side closes marks the end failed (<see cref="Failed"/>).
/// </summary>
internal sealed class ShovelConnection : IAsyncDisposable
{
    private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _closing;

    private ShovelConnection(IConnection connection, IChannel channel, ShovelUri uri, string role)
    {
        Connection = connection;
        Channel = channel;
        Uri = uri;
        connection.ConnectionShutdownAsync += (_, e) => OnShutdown($"{role} connection failed", e);
        channel.ChannelShutdownAsync += (_, e) => OnShutdown($"{role} channel closed", e);
    }

    public IConnection Connection { get; }

    public IChannel Channel { get; }

    public ShovelUri Uri { get; }

    /// <summary>Completes with the reason once the broker or the network ends this connection or channel.</summary>
    public Task<string> Failed => _failed.Task;

    /// <param name="uris">The end's URIs, tried in random order.</param>
    /// <param name="local">Where a URI without a host connects.</param>
    /// <param name="identity">The shovel, for the connection's name.</param>
    /// <param name="role"><c>source</c> or <c>destination</c>, for failure reasons.</param>
    /// <param name="confirms">Whether the channel is in confirm mode (an on-confirm destination).</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    public static async Task<ShovelConnection> OpenAsync(
        IReadOnlyList<ShovelUri> uris, LocalBroker local, ShovelIdentity identity, string role, bool confirms, CancellationToken cancellationToken)
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
                return new ShovelConnection(connection, channel, uri, role);
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

    private Task OnShutdown(string what, ShutdownEventArgs e)
    {
        if (!_closing)
        {
            _failed.TrySetResult(e.Initiator == ShutdownInitiator.Peer ? $"{what}: {e.ReplyCode} {e.ReplyText}" : $"{what}: {e.ReplyText}");
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
