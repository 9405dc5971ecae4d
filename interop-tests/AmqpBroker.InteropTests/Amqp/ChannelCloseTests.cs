using System.Buffers.Binary;

namespace AmqpBroker.InteropTests.Amqp;

/// <summary>
/// Two things clients trip on when a channel ends: a channel.close crossing the broker's own, and the
/// basic.cancel a deleted queue causes (checked against RabbitMQ 3.10.8 with raw frames).
/// </summary>
public sealed class ChannelCloseTests : BrokerTestBase
{
    [Test]
    public async Task A_close_crossing_the_brokers_close_is_answered_and_the_clients_close_ok_releases_the_channel()
    {
        await using var raw = await RawClient.ConnectWithChannelAsync(AmqpUri);
        var missing = UniqueName();

        // Passive declare of a missing queue and channel.close in one write: both closes are in flight at once.
        await raw.SendBytesAsync([.. Frame(1, 50, 10, w => w.Short(0).ShortStr(missing).Octet(1).EmptyTable()), .. Frame(1, 20, 40, w => w.Short(200).ShortStr("closing").Short(0).Short(0))]);

        var close = await raw.ExpectMethodAsync(1, 20, 40);
        Assert.That(RawClient.ParseClose(close.Args).ReplyText, Is.EqualTo($"NOT_FOUND - no queue '{missing}' {InDefaultVhost}"));
        await raw.ExpectMethodAsync(1, 20, 41);
        await raw.SendMethodAsync(1, 20, 41);
        await raw.OpenChannelAsync(1);
    }

    [Test]
    public async Task A_close_ok_for_a_channel_already_released_is_a_channel_error()
    {
        await using var raw = await RawClient.ConnectWithChannelAsync(AmqpUri);
        await raw.SendMethodAsync(1, 20, 40, w => w.Short(200).ShortStr("bye").Short(0).Short(0));
        await raw.ExpectMethodAsync(1, 20, 41);

        await raw.SendMethodAsync(1, 20, 41);

        await ExpectConnectionClosedAsync(raw, 504, "CHANNEL_ERROR - expected 'channel.open'", 20, 41);
    }

    [Test]
    public async Task Deleting_a_consumed_queue_sends_delete_ok_and_the_cancel_in_one_write()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri, capabilities: ["consumer_cancel_notify"]);
        var queue = await ConsumedQueueAsync(raw);

        var read = raw.ReadOnceAsync();
        await raw.SendMethodAsync(1, 50, 40, w => w.Short(0).ShortStr(queue).Octet(0));

        // queue.delete-ok (20 bytes with framing) then basic.cancel ctag0 nowait (19 bytes), as RabbitMQ sends them.
        var methods = Methods(await read);
        if (IsExternal && methods.Count == 1)
        {
            // RabbitMQ's writer usually sends both at once, but on a loaded machine it can flush between them.
            methods.AddRange(Methods(await raw.ReadOnceAsync()));
        }

        Assert.That(methods, Is.EqualTo(new[] { (50, 41), (60, 30) }), "both frames in the first read");
    }

    [Test]
    public async Task A_client_without_consumer_cancel_notify_gets_no_cancel()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        var queue = await ConsumedQueueAsync(raw);

        await raw.SendMethodAsync(1, 50, 40, w => w.Short(0).ShortStr(queue).Octet(0));
        await raw.ExpectMethodAsync(1, 50, 41);
        await raw.SendMethodAsync(1, 20, 40, w => w.Short(200).ShortStr("bye").Short(0).Short(0));

        await raw.ExpectMethodAsync(1, 20, 41);
    }

    private static byte[] Frame(ushort channel, ushort classId, ushort methodId, Action<ArgWriter> args)
    {
        var writer = new ArgWriter().Short(classId).Short(methodId);
        args(writer);
        var payload = writer.ToArray();
        var frame = new byte[payload.Length + 8];
        frame[0] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), channel);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), (uint)payload.Length);
        payload.CopyTo(frame, 7);
        frame[^1] = 0xCE;
        return frame;
    }

    /// <summary>The (class, method) of each whole method frame in <paramref name="bytes"/>.</summary>
    private static List<(int ClassId, int MethodId)> Methods(byte[] bytes)
    {
        var methods = new List<(int, int)>();
        for (var at = 0; at + 7 <= bytes.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 3));
            if (at + 8 + size > bytes.Length)
            {
                break;
            }

            methods.Add((BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 7)), BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 9))));
            at += 8 + size;
        }

        return methods;
    }

    /// <summary>A queue on channel 1 (opened here) with the consumer <c>ctag0</c>.</summary>
    private async Task<string> ConsumedQueueAsync(RawClient raw)
    {
        await raw.OpenChannelAsync(1);
        var queue = Track(UniqueName());
        await raw.SendMethodAsync(1, 50, 10, w => w.Short(0).ShortStr(queue).Octet(0).EmptyTable());
        await raw.ExpectMethodAsync(1, 50, 11);
        await raw.SendMethodAsync(1, 60, 20, w => w.Short(0).ShortStr(queue).ShortStr("ctag0").Octet(0).EmptyTable());
        await raw.ExpectMethodAsync(1, 60, 21);
        return queue;
    }
}
