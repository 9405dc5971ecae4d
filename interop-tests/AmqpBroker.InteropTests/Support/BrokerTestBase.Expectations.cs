namespace AmqpBroker.InteropTests.Support;

/// <summary>Expecting the broker's error replies, and polling for what happens eventually.</summary>
public abstract partial class BrokerTestBase
{
    /// <summary>
    /// What a permission refusal says before <c>access to</c>: <c>"configure "</c>, <c>"write "</c> or <c>"read "</c> from
    /// RabbitMQ 3.12 (rabbit_access_control:check_resource_access at v3.12.0), nothing before (3.10.8).
    /// </summary>
    protected string Refused(string permission) => Profile.RefusalNamesPermission ? permission + " " : "";

    /// <summary>
    /// Waits for the channel to be closed (by the server, normally) and returns why. Subscribe before
    /// provoking the error, or pass a channel that may already be closed.
    /// </summary>
    protected static ChannelCloseWatcher WatchClose(IChannel channel) => new(channel);

    /// <summary>Runs <paramref name="operation"/> and returns the close (channel or connection) it must provoke.</summary>
    protected static async Task<ShutdownEventArgs> ExpectOperationInterruptedAsync(Func<Task> operation)
    {
        try
        {
            await operation().WaitAsync(Timeout);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason is not null)
        {
            return e.ShutdownReason;
        }

        Assert.Fail("expected the broker to close the channel or connection with an error");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>
    /// Runs <paramref name="operation"/>, which must make the broker close the channel or connection with
    /// <paramref name="code"/> and exactly <paramref name="text"/>; returns the close for further checks.
    /// </summary>
    protected static async Task<ShutdownEventArgs> ExpectClosedAsync(Func<Task> operation, ushort code, string text)
    {
        var reason = await ExpectOperationInterruptedAsync(operation);
        AssertReply(reason.ReplyCode, reason.ReplyText, code, text);
        return reason;
    }

    /// <summary>
    /// Waits for the watched channel to be closed with <paramref name="code"/> and exactly <paramref name="text"/>
    /// (for errors the broker reports asynchronously, such as a refused publish); returns the close.
    /// </summary>
    protected static async Task<ShutdownEventArgs> ExpectClosedAsync(ChannelCloseWatcher watcher, ushort code, string text)
    {
        var reason = await watcher.WaitAsync(Timeout);
        AssertReply(reason.ReplyCode, reason.ReplyText, code, text);
        return reason;
    }

    /// <summary>Asserts the reply code and text of a close read by <see cref="RawClient"/>.</summary>
    private protected static void AssertClose(RawClose close, ushort code, string text) => AssertReply(close.ReplyCode, close.ReplyText, code, text);

    /// <summary>
    /// Reads the connection.close <paramref name="raw"/> must get next: <paramref name="code"/>, exactly <paramref name="text"/>,
    /// and the method that failed.
    /// </summary>
    private protected static async Task ExpectConnectionClosedAsync(RawClient raw, ushort code, string text, ushort classId, ushort methodId)
    {
        var close = await raw.ExpectConnectionCloseAsync();
        AssertClose(close, code, text);
        AssertFailedMethod(close, classId, methodId);
    }

    /// <summary>Asserts which method a close names as the one that failed (its class and method ids).</summary>
    protected static void AssertFailedMethod(ShutdownEventArgs reason, ushort classId, ushort methodId) =>
        AssertMethod(reason.ClassId, reason.MethodId, classId, methodId);

    /// <summary>Asserts which method a close read by <see cref="RawClient"/> names as the one that failed.</summary>
    private protected static void AssertFailedMethod(RawClose close, ushort classId, ushort methodId) =>
        AssertMethod(close.ClassId, close.MethodId, classId, methodId);

    /// <summary>
    /// Declares a fresh classic queue with <paramref name="argument"/> set to <paramref name="value"/>, which the broker
    /// must refuse with RabbitMQ's 406 for an invalid argument, ending in <paramref name="error"/>; returns the queue name.
    /// </summary>
    protected async Task<string> ExpectInvalidArgumentAsync(IChannel channel, string argument, object? value, string error)
    {
        var queue = Track(UniqueName());
        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { [argument] = value }), 406,
            $"PRECONDITION_FAILED - invalid arg '{argument}' for queue '{queue}' {InDefaultVhost}: {error}");
        return queue;
    }

    /// <summary>
    /// Publishes <paramref name="gone"/> to <paramref name="queue"/>, whose arguments must drop it, and waits until the
    /// queue is empty; then checks that a consumer started afterwards gets <paramref name="next"/>, published after it,
    /// and nothing else.
    /// </summary>
    protected static async Task ExpectALaterConsumerToGetOnlyTheNextAsync(IChannel channel, string queue, string gone, string next)
    {
        await PublishAsync(channel, queue, gone);
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 0), Is.True, $"{gone} dropped");

        var consumer = await ConsumeAsync(channel, queue, autoAck: true);
        await PublishAsync(channel, queue, next);

        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo(next));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> (default <see cref="Timeout"/>) passes.</summary>
    protected static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Timeout);
        var delay = 10;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(delay);
            delay = Math.Min(delay * 2, 200);
        }
    }

    private static void AssertReply(ushort actualCode, string actualText, ushort code, string text)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(actualCode, Is.EqualTo(code), "reply code");
            Assert.That(actualText, Is.EqualTo(text), "reply text");
        }
    }

    private static void AssertMethod(ushort actualClassId, ushort actualMethodId, ushort classId, ushort methodId)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(actualClassId, Is.EqualTo(classId), "class id of the failed method");
            Assert.That(actualMethodId, Is.EqualTo(methodId), "method id of the failed method");
        }
    }
}
