using System.IO.Pipelines;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Connections;
using AmqpBroker.Server.Tests.TestSupport;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>connection.blocked by the resource alarm: when a connection blocks, what it is told, and what unblocks it.</summary>
[TestFixture]
public sealed class PublisherBlockingTests
{
    private ResourceAlarms _alarm = null!;
    private TaskCompletionSource _forceClosed = null!;
    private Pipe _pipe = null!;
    private ConnectionWriter _writer = null!;
    private Task _run = null!;

    [SetUp]
    public void CreateWriter()
    {
        _alarm = new ResourceAlarms();
        _forceClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pipe = new Pipe();
        _writer = new ConnectionWriter(_pipe.Writer);
        _run = _writer.RunAsync();
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_publish_under_the_alarm_blocks_until_it_clears(bool notifyClient)
    {
        var blocking = new PublisherBlocking(_alarm, _writer, _forceClosed.Task) { NotifyClient = notifyClient };
        _alarm.Raise(AlarmResource.Memory);

        blocking.BlockIfAlarmed();
        Assert.That(blocking.IsBlocked, Is.True);
        var waiting = blocking.WaitUntilUnblockedAsync();
        Assert.That(waiting.IsCompleted, Is.False, "still blocked while the alarm is raised");

        _alarm.Clear(AlarmResource.Memory);
        await waiting.WaitAsync(TestClient.Deadline);

        Assert.That(blocking.IsBlocked, Is.False);
        var frames = await WrittenFramesAsync();
        Assert.That(frames.Select(f => f.CommandId), Is.EqualTo(notifyClient ? new[] { ConnectionBlocked.CommandId, ConnectionUnblocked.CommandId } : Array.Empty<uint>()));
        if (notifyClient)
        {
            Assert.That(frames[0].Read<ConnectionBlocked>().Reason, Is.EqualTo("low on memory"));
        }
    }

    [Test]
    public async Task Without_an_alarm_a_publish_does_not_block()
    {
        var blocking = new PublisherBlocking(_alarm, _writer, _forceClosed.Task) { NotifyClient = true };

        blocking.BlockIfAlarmed();

        Assert.That(blocking.IsBlocked, Is.False);
        Assert.That(await WrittenFramesAsync(), Is.Empty);
    }

    [Test]
    public async Task A_blocked_connection_is_told_once()
    {
        var blocking = new PublisherBlocking(_alarm, _writer, _forceClosed.Task) { NotifyClient = true };
        _alarm.Raise(AlarmResource.Disk);

        blocking.BlockIfAlarmed();
        blocking.BlockIfAlarmed();

        Assert.That((await WrittenFramesAsync()).Select(f => f.CommandId), Is.EqualTo(new[] { ConnectionBlocked.CommandId }));
    }

    [Test]
    public async Task A_forced_close_ends_the_wait_while_the_alarm_stays()
    {
        var blocking = new PublisherBlocking(_alarm, _writer, _forceClosed.Task);
        _alarm.Raise(AlarmResource.Memory);
        blocking.BlockIfAlarmed();
        var waiting = blocking.WaitUntilUnblockedAsync();

        _forceClosed.SetResult();

        await waiting.WaitAsync(TestClient.Deadline);
        Assert.That(_alarm.IsRaised(AlarmResource.Memory), Is.True);
    }

    private async Task<List<ReceivedFrame>> WrittenFramesAsync()
    {
        _writer.Complete();
        await _run.WaitAsync(TestClient.Deadline);
        await _pipe.Writer.CompleteAsync();
        return await WrittenFrames.ReadAllAsync(_pipe.Reader);
    }
}
