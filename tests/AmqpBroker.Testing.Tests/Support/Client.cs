using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.Testing.Tests.Support;

/// <summary>RabbitMQ.Client as a test suite uses it: connections without heartbeats or recovery, and a few one-line operations.</summary>
internal static class Client
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A connection to <paramref name="uri"/>. No heartbeats: a test that moves the broker's clock by an hour
    /// would otherwise have the broker give up on a client silent for two heartbeat intervals of that clock.
    /// </summary>
    public static Task<IConnection> ConnectAsync(Uri uri) =>
        new ConnectionFactory { Uri = uri, RequestedHeartbeat = TimeSpan.Zero, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();

    public static async Task<(IConnection Connection, IChannel Channel)> ConnectWithChannelAsync(Uri uri)
    {
        var connection = await ConnectAsync(uri);
        return (connection, await connection.CreateChannelAsync());
    }

    public static Dictionary<string, object?> Args(params (string Key, object? Value)[] arguments) => arguments.ToDictionary(a => a.Key, a => a.Value);

    public static Task PublishAsync(IChannel channel, string exchange, string routingKey, string body, BasicProperties? properties = null, bool mandatory = false) =>
        channel.BasicPublishAsync(exchange, routingKey, mandatory, properties ?? new BasicProperties(), Encoding.UTF8.GetBytes(body)).AsTask();

    public static BasicProperties DelayedBy(int milliseconds) => new() { Headers = new Dictionary<string, object?> { ["x-delay"] = milliseconds } };

    /// <summary>basic.get with auto-ack: the body, or null when the queue is empty.</summary>
    public static async Task<string?> GetAsync(IChannel channel, string queue) =>
        await channel.BasicGetAsync(queue, autoAck: true) is { } got ? Encoding.UTF8.GetString(got.Body.Span) : null;

    /// <summary>Resolves with the connection's close reason once it closes.</summary>
    public static Task<ShutdownEventArgs> ClosedAsync(IConnection connection)
    {
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, reason) =>
        {
            closed.TrySetResult(reason);
            return Task.CompletedTask;
        };
        if (connection.CloseReason is { } already)
        {
            closed.TrySetResult(already);
        }

        return closed.Task.WaitAsync(Timeout);
    }

    /// <summary>Runs <paramref name="operation"/>, which the broker must refuse by closing the channel; returns the close.</summary>
    public static async Task<ShutdownEventArgs> ChannelClosedByAsync(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (OperationInterruptedException refused) when (refused.ShutdownReason is { } reason)
        {
            return reason;
        }

        throw new AssertionException("the broker accepted what it should have refused");
    }

    /// <summary>Collects basic.return frames sent to a channel.</summary>
    public static List<BasicReturnEventArgs> CollectReturns(IChannel channel)
    {
        var returns = new List<BasicReturnEventArgs>();
        channel.BasicReturnAsync += (_, returned) =>
        {
            lock (returns)
            {
                returns.Add(returned);
            }

            return Task.CompletedTask;
        };
        return returns;
    }
}
