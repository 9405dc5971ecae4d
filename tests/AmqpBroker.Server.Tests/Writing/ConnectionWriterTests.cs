using System.Buffers;
using System.IO.Pipelines;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Tests.Writing;

[TestFixture]
public sealed class ConnectionWriterTests
{
    private static readonly byte[] NoProperties = [0, 0];

    [TestCase(4096u, 10_000)]
    [TestCase(4096u, 4088)]
    [TestCase(4096u, 4089)]
    [TestCase(131_072u, 1_000_000)]
    [TestCase(5000u, 1)]
    public async Task A_large_body_is_split_into_body_frames_no_larger_than_frame_max(uint frameMax, int bodySize)
    {
        var pipe = new Pipe();
        var writer = new ConnectionWriter(pipe.Writer) { FrameMax = frameMax };
        var run = writer.RunAsync();
        var reading = WrittenFrames.ReadAllAsync(pipe.Reader);
        var body = new byte[bodySize];
        new Random(bodySize).NextBytes(body);
        var message = CreateMessage(body);

        writer.Enqueue(new OutgoingFrame(OutgoingKind.GetOk, 3, message, DeliveryTag: 9, MessageCount: 2));
        message.Release();
        writer.Complete();
        await run.WaitAsync(TestClient.Deadline);
        await pipe.Writer.CompleteAsync();

        var frames = await reading.WaitAsync(TestClient.Deadline);
        Assert.That(frames[0].Read<BasicGetOk>().DeliveryTag, Is.EqualTo(9ul));
        Assert.That(frames[1].Type, Is.EqualTo(FrameType.Header));
        var bodyFrames = frames.Skip(2).ToList();
        Assert.That(bodyFrames.All(f => f.Type == FrameType.Body && f.Channel == 3), Is.True);
        Assert.That(bodyFrames.All(f => f.Payload.Length + FrameReader.FrameOverhead <= frameMax), Is.True);
        Assert.That(bodyFrames, Has.Count.EqualTo((bodySize + (int)frameMax - 9) / ((int)frameMax - 8)));
        Assert.That(bodyFrames.SelectMany(f => f.Payload).ToArray(), Is.EqualTo(body));
        Assert.That(IsReleased(message), Is.True, "the writer let go of its reference once written");
    }

    [Test]
    public async Task Frames_are_written_in_the_order_they_were_enqueued()
    {
        var pipe = new Pipe();
        var writer = new ConnectionWriter(pipe.Writer);
        var run = writer.RunAsync();

        for (ushort channel = 1; channel <= 50; channel++)
        {
            writer.EnqueueMethod(channel, new ChannelOpenOk());
        }

        writer.Complete();
        await run.WaitAsync(TestClient.Deadline);
        await pipe.Writer.CompleteAsync();

        var frames = await WrittenFrames.ReadAllAsync(pipe.Reader);
        Assert.That(frames.Select(f => (int)f.Channel), Is.EqualTo(Enumerable.Range(1, 50)));
    }

    [Test]
    public async Task Each_flush_counts_its_bytes_as_one_packet_sent()
    {
        var pipe = new Pipe();
        var writer = new ConnectionWriter(pipe.Writer);
        var run = writer.RunAsync();
        writer.EnqueueMethod(1, new ChannelOpenOk());
        var first = await pipe.Reader.ReadAsync().AsTask().WaitAsync(TestClient.Deadline);
        var firstBytes = first.Buffer.Length;
        pipe.Reader.AdvanceTo(first.Buffer.End);
        var afterFirst = (writer.Traffic.SentBytes, writer.Traffic.SentPackets);

        writer.EnqueueMethod(2, new ChannelOpenOk());
        writer.Complete();
        await run.WaitAsync(TestClient.Deadline);

        Assert.That(afterFirst, Is.EqualTo((firstBytes, 1L)));
        Assert.That((writer.Traffic.SentBytes, writer.Traffic.SentPackets), Is.EqualTo((2 * firstBytes, 2L)));
    }

    [Test]
    public async Task A_delivery_enqueued_after_complete_is_not_written_and_its_reference_is_released()
    {
        var pipe = new Pipe();
        var writer = new ConnectionWriter(pipe.Writer);
        var run = writer.RunAsync();
        writer.Complete();
        await run.WaitAsync(TestClient.Deadline);
        var message = CreateMessage("late"u8.ToArray());

        writer.Enqueue(new OutgoingFrame(OutgoingKind.Deliver, 1, message, "c", 1));
        message.Release();

        Assert.That(IsReleased(message), Is.True);
        await pipe.Writer.CompleteAsync();
        Assert.That(await WrittenFrames.ReadAllAsync(pipe.Reader), Is.Empty);
    }

    private static Message CreateMessage(byte[] body)
    {
        var message = new Message("", "q", NoProperties, ContentSummary.Read(NoProperties), body.Length);
        Assert.That(message.TryAppendBody(new ReadOnlySequence<byte>(body)), Is.True);
        return message;
    }

    private static bool IsReleased(Message message)
    {
        try
        {
            _ = message.Body;
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }
}
