namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Whether a queue or exchange exists, judged by a passive declare on a throw-away channel of the connection: a
/// missing one closes that channel with 404, never one the test is using.
/// </summary>
internal static class PassiveDeclare
{
    public static Task<bool> QueueExistsAsync(IConnection connection, string queue) =>
        SucceedsAsync(connection, channel => channel.QueueDeclarePassiveAsync(queue));

    public static Task<bool> ExchangeExistsAsync(IConnection connection, string exchange) =>
        SucceedsAsync(connection, channel => channel.ExchangeDeclarePassiveAsync(exchange));

    private static async Task<bool> SucceedsAsync(IConnection connection, Func<IChannel, Task> passiveDeclare)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await passiveDeclare(channel);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }
}
