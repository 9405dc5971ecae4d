using RabbitMQ.Client;

namespace AmqpBroker.LoadGen;

/// <summary>One connection with the one channel a publisher, consumer or the queue admin works on.</summary>
internal sealed class AmqpSession : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(8);
    private int _disposed;

    private AmqpSession(IConnection connection, IChannel channel)
    {
        Connection = connection;
        Channel = channel;
    }

    public IConnection Connection { get; }

    public IChannel Channel { get; }

    public static async Task<AmqpSession> OpenAsync(
        ConnectionFactory factory, string name, CreateChannelOptions? channelOptions, FaultSignal faults, CancellationToken cancellationToken)
    {
        var connection = await factory.CreateConnectionAsync(name, cancellationToken).ConfigureAwait(false);
        try
        {
            var channel = await connection.CreateChannelAsync(channelOptions, cancellationToken).ConfigureAwait(false);
            faults.Watch(connection, channel, name);
            return new AmqpSession(connection, channel);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Closes the connection (and with it the channel), or drops it if the broker does not answer in time.
    /// Safe to call again: the run closes consumers early to read their histograms, and teardown closes everything.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            await CloseAsync().WaitAsync(AbandonAfter).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The client's own close timeout does not cover a close frame queued behind a socket the broker is not
            // reading; the process is about to exit, so the connection is left behind rather than waited for.
            await Console.Error.WriteLineAsync($"warning: {Connection.ClientProvidedName} did not close within {AbandonAfter.TotalSeconds:F0} s; abandoned it")
                .ConfigureAwait(false);
        }
    }

    private async Task CloseAsync()
    {
        try
        {
            await Connection.CloseAsync(Constants.ReplySuccess, "load run finished", CloseTimeout, abort: true).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Abort mode still throws when the close handshake times out (RabbitMQ.Client 7.1.2); disposing drops the socket.
        }
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
