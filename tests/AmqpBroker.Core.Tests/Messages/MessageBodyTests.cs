using System.Buffers;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Messages;

/// <summary>
/// A message's body buffer grows as body frames arrive: an announced size reserves at most one frame's
/// worth, and the assembled body is byte for byte what was sent, whatever the frame sizes.
/// </summary>
[TestFixture]
public sealed class MessageBodyTests
{
    private static readonly byte[] Properties = [0, 0];

    [TestCase(1 << 20, 131_064)]
    [TestCase(1 << 20, 4_088)]
    [TestCase(300_001, 7)]
    [TestCase(100, 100)]
    public void A_body_assembled_from_frames_is_what_was_sent(int size, int frameSize)
    {
        var body = new byte[size];
        new Random(size).NextBytes(body);
        var message = new Message("ex", "key", Properties, ContentSummary.Read(Properties), size);

        for (var offset = 0; offset < size; offset += frameSize)
        {
            Assert.That(message.TryAppendBody(new ReadOnlySequence<byte>(body, offset, Math.Min(frameSize, size - offset))), Is.True);
        }

        Assert.That(message.IsComplete, Is.True);
        Assert.That(message.Body.SequenceEqual(body), Is.True);
        Assert.That(message.Properties.SequenceEqual(Properties), Is.True);
        message.Release();
    }

    [Test]
    public void An_announced_size_reserves_no_more_than_one_frame()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        var message = new Message("ex", "key", Properties, ContentSummary.Read(Properties), 512 << 20);

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
        message.Release();
    }

    [Test]
    public void Bytes_beyond_the_announced_size_are_refused()
    {
        var message = new Message("ex", "key", Properties, ContentSummary.Read(Properties), 4);

        Assert.That(message.TryAppendBody(new ReadOnlySequence<byte>(new byte[5])), Is.False);
        message.Release();
    }
}
