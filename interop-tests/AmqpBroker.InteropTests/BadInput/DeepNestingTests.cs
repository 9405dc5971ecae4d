using System.Buffers.Binary;
using System.Net.Sockets;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests.BadInput;

/// <summary>
/// Field tables nested tens of thousands of levels deep once overflowed the broker's stack: one 130 KB
/// start-ok before authentication, or one publish after it, ended the process and every connection in it.
/// Each is now answered on its own connection, and the broker keeps serving new ones.
/// </summary>
public sealed class DeepNestingTests : BrokerTestBase
{
    [Test]
    public async Task A_deeply_nested_start_ok_closes_its_socket_and_the_broker_serves_the_next_connection()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(AmqpUri.Host, AmqpUri.Port).WaitAsync(Timeout);
        var stream = tcp.GetStream();
        await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray());
        await ReadSomeAsync(stream); // connection.start

        // 18,700 tables inside each other: about 130 KB, far over the 4,096 bytes allowed before tune-ok.
        var startOk = new ArgWriter().Short(10).Short(11)
            .LongStr(NestedTableBody(18_700)).ShortStr("PLAIN").LongStr("\0guest\0guest"u8.ToArray()).ShortStr("en_US").ToArray();
        await WriteFrameAsync(stream, startOk);

        // RabbitMQ 3.10.8 (checked) and we both close the socket without connection.close; RabbitMQ after 3 s.
        Assert.That(await ReadUntilClosedAsync(stream), Is.Empty, "nothing answers it but the socket closing");
        await AssertBrokerServesAsync();
    }

    [Test]
    public async Task A_publish_with_deeply_nested_headers_ends_at_most_its_connection()
    {
        await using (var client = await RawClient.ConnectAsync(AmqpUri))
        {
            await client.OpenChannelAsync(1);
            await client.SendMethodAsync(1, 60, 40, w => w.Short(0).ShortStr("").ShortStr("nowhere").Octet(0));
            // 17,000 levels: about 119 KB of headers, within frame_max. Property flags: headers only.
            var headers = new ArgWriter().ShortStr("x").Octet((byte)'F').LongStr(NestedTableBody(17_000)).ToArray();
            await client.SendFrameAsync(2, 1, new ArgWriter().Short(60).Short(0).LongLong(5).Short(0x2000).LongStr(headers).ToArray());
            await client.SendFrameAsync(3, 1, "hello"u8.ToArray());

            if (IsExternal)
            {
                // RabbitMQ 3.10.8 has no nesting limit: it takes the message (unroutable here) and the channel lives on.
                await client.SendMethodAsync(1, 20, 40, w => w.Short(200).ShortStr("bye").Short(0).Short(0));
                await client.ExpectMethodAsync(1, 20, 41);
            }
            else
            {
                // Ours refuses tables nested deeper than 100 levels. Properties it cannot decode are RabbitMQ's
                // 541 INTERNAL_ERROR (its decoder crashes on them); the cause is in the log.
                var close = await client.ExpectConnectionCloseAsync();
                Assert.That((close.ReplyCode, close.ReplyText), Is.EqualTo(((ushort)541, "INTERNAL_ERROR")));
            }
        }

        await AssertBrokerServesAsync();
    }

    /// <summary>A new connection publishes and gets a message back: the broker is alive and well.</summary>
    private async Task AssertBrokerServesAsync()
    {
        var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync(exclusive: true)).QueueName;
        await channel.BasicPublishAsync("", queue, "alive"u8.ToArray());
        var got = await PollAsync(() => channel.BasicGetAsync(queue, autoAck: true));
        Assert.That(got.Body.ToArray(), Is.EqualTo("alive"u8.ToArray()));
    }

    private static async Task<BasicGetResult> PollAsync(Func<Task<BasicGetResult?>> get)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            if (await get() is { } result)
            {
                return result;
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the message did not arrive");
            await Task.Delay(10);
        }
    }

    /// <summary>The body of a table (without its own length) holding "a" → table → "a" → … <paramref name="depth"/> levels in all.</summary>
    private static byte[] NestedTableBody(int depth)
    {
        byte[] table = [];
        for (var level = 1; level < depth; level++)
        {
            var wrapped = new byte[table.Length + 7];
            wrapped[0] = 1;
            wrapped[1] = (byte)'a';
            wrapped[2] = (byte)'F';
            BinaryPrimitives.WriteUInt32BigEndian(wrapped.AsSpan(3), (uint)table.Length);
            table.CopyTo(wrapped, 7);
            table = wrapped;
        }

        return table;
    }

    private static async Task WriteFrameAsync(NetworkStream stream, byte[] payload)
    {
        var frame = new byte[payload.Length + 8];
        frame[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), (uint)payload.Length);
        payload.CopyTo(frame, 7);
        frame[^1] = 0xCE;
        try
        {
            await stream.WriteAsync(frame);
        }
        catch (IOException)
        {
            // The server may close before it has read the whole frame.
        }
    }

    private static async Task<byte[]> ReadSomeAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Timeout);
        var read = await stream.ReadAsync(buffer, cts.Token);
        return buffer[..read];
    }

    /// <summary>Everything the server sends until it closes the socket (a reset counts as closed).</summary>
    private static async Task<byte[]> ReadUntilClosedAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (IOException)
        {
        }

        return [.. received];
    }
}
