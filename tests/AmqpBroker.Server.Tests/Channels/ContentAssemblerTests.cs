using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Core.Errors;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Channels;

namespace AmqpBroker.Server.Tests.Channels;

/// <summary>Content assembly below the connection: a header however the pipe split it, and the size limit before any body.</summary>
[TestFixture]
public sealed class ContentAssemblerTests
{
    private static readonly byte[] Properties = new BasicProperties { ContentType = "text/plain", MessageId = "m-1", Headers = new Dictionary<string, object?> { ["k"] = "v" } }.Encode();

    [Test]
    public void A_header_split_across_pipe_segments_at_any_byte_gives_the_same_message()
    {
        var payload = HeaderPayload(bodySize: 3);
        for (var split = 1; split < payload.Length; split++)
        {
            var assembler = new ContentAssembler(maxMessageSize: 1024);
            assembler.Begin(new BasicPublish { Exchange = "x", RoutingKey = "k" });

            Assert.That(assembler.OnHeader(TwoSegments(payload, split)), Is.Null, "the body is still to come");
            var message = assembler.OnBody(new ReadOnlySequence<byte>("abc"u8.ToArray()));

            Assert.That(message, Is.Not.Null);
            Assert.That((message!.Properties.ToArray(), message.Body.ToArray(), message.Exchange), Is.EqualTo((Properties, "abc"u8.ToArray(), "x")), $"split at {split}");
            message.Release();
        }
    }

    [Test]
    public void A_body_over_the_limit_is_refused_at_the_header_before_any_body_arrives()
    {
        var assembler = new ContentAssembler(maxMessageSize: 10);
        assembler.Begin(new BasicPublish { Exchange = "", RoutingKey = "q" });

        var error = Assert.Throws<AmqpException>(() => assembler.OnHeader(new ReadOnlySequence<byte>(HeaderPayload(bodySize: 11))));

        Assert.That(error!.ReplyText, Is.EqualTo("PRECONDITION_FAILED - message size 11 is larger than configured max size 10"));
    }

    private static byte[] HeaderPayload(ulong bodySize)
    {
        var payload = new byte[12 + Properties.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, 60);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(4), bodySize);
        Properties.CopyTo(payload, 12);
        return payload;
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split), 0);
        var second = new Segment(bytes.AsMemory(split), split);
        first.SetNext(second);
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
