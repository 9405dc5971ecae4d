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

    [TestCase(4096, 4096)]
    [TestCase(65_536, 65_536)]
    [TestCase(1 << 20, 131_072)]
    [TestCase(4000, 4000)]
    [TestCase(100, 4096)]
    public void A_message_with_properties_is_read_back_whole_and_its_buffers_stay_within_the_pool_bucket(int size, int frameSize)
    {
        byte[] properties = [0x90, 0, 2, (byte)'t', (byte)'x', 2]; // content-type "tx", delivery-mode 2
        var body = new byte[size];
        new Random(size).NextBytes(body);
        var message = new Message("ex", "key", properties, ContentSummary.Read(properties), size);
        for (var offset = 0; offset < size; offset += frameSize)
        {
            Assert.That(message.TryAppendBody(new ReadOnlySequence<byte>(body, offset, Math.Min(frameSize, size - offset))), Is.True);
        }

        Assert.That(message.Body.SequenceEqual(body), Is.True);
        Assert.That(message.Properties.SequenceEqual(properties), Is.True);
        Assert.That(message.Summary.IsPersistent, Is.True);
        message.Release();
        Assert.Throws<ObjectDisposedException>(() => _ = message.Properties.Length);
    }

    [TestCase(4096, 6, true)]
    [TestCase(65_536, 20, true)]
    [TestCase(4000, 20, false)]
    [TestCase(16, 20, false)]
    [TestCase(1000, 100, false)]
    [TestCase(65_536, 0, false)]
    public void Properties_are_kept_apart_only_where_they_would_double_the_buffer(int bodySize, int propertiesLength, bool apart) =>
        Assert.That(Message.KeepsPropertiesApart(propertiesLength, bodySize), Is.EqualTo(apart));

    [TestCase(4096, 4096 + 3)]
    [TestCase(65_536, 65_536 + 3)]
    [TestCase(4000, 4096)]
    [TestCase(16, 16 + 3)]
    [TestCase(600, 1024)]
    public void A_body_takes_no_more_than_its_size_and_the_properties_where_the_pool_would_double_it(int bodySize, int taken)
    {
        byte[] properties = [0x10, 0, 2]; // delivery-mode 2
        var message = Message.Create("ex", "key", properties, new byte[bodySize]);

        Assert.That(message.BufferBytes, Is.EqualTo(taken));
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
