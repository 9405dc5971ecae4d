using System.Buffers;
using System.IO.Pipelines;
using AmqpBroker.Protocol.Framing;

namespace AmqpBroker.Server.Tests.TestSupport;

/// <summary>Reads back what a <c>ConnectionWriter</c> wrote into a pipe, frame by frame.</summary>
internal static class WrittenFrames
{
    /// <summary>Every frame until the writer side completes; a partial frame at the end fails the test.</summary>
    public static async Task<List<ReceivedFrame>> ReadAllAsync(PipeReader reader)
    {
        var frames = new List<ReceivedFrame>();
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            while (FrameReader.TryReadFrame(ref buffer, 0, out var frame))
            {
                frames.Add(new ReceivedFrame(frame.Type, frame.Channel, frame.Payload.ToArray()));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                Assert.That(buffer.Length, Is.Zero, "a partial frame was written");
                return frames;
            }
        }
    }
}
