using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>
/// Input that once took the whole process down: a start-ok whose client properties nest tables tens of
/// thousands of levels deep (a stack overflow before authentication), and content headers that announce
/// huge bodies. Each is now refused or costs nothing, and the connection ends cleanly.
/// </summary>
[TestFixture]
public sealed class CrashSafetyTests : ServerFixture
{
    [Test]
    public async Task Before_tune_ok_a_frame_over_frame_min_size_closes_the_socket_without_a_close_method()
    {
        // RabbitMQ 3.10.8 (checked): payloads above 4096 bytes before tune-ok are frame_too_large (frame_max 4096
        // plus rabbit_reader's FRAME_SIZE_FUDGE of 8, minus the 8 bytes of overhead), and the socket is closed
        // without connection.close; 4096 itself is accepted.
        var client = Connect();
        await client.SendHeaderAsync();

        await client.SendAsync(TestClient.RawFrame(1, 0, StartOkWithPropertiesOfSize(4097)));

        await ExpectEndAfterFailedHandshakeAsync(client);
    }

    [Test]
    public async Task Before_tune_ok_a_frame_of_exactly_frame_min_size_is_accepted()
    {
        var client = Connect();
        await client.SendHeaderAsync();

        await client.SendAsync(TestClient.RawFrame(1, 0, StartOkWithPropertiesOfSize(4096)));

        await client.ExpectAsync<ConnectionTune>();
    }

    [Test]
    public async Task A_deeply_nested_start_ok_ends_only_its_own_connection()
    {
        var client = Connect();
        await client.SendHeaderAsync();
        var deep = DeepStartOk(20_000);
        Assert.That(deep.Length, Is.GreaterThan(AmqpConstants.FrameMinSize), "the attack needs a large frame");

        await client.SendAsync(TestClient.RawFrame(1, 0, deep));

        await ExpectEndAfterFailedHandshakeAsync(client);
        var next = Connect();
        await next.OpenAsync();
    }

    [Test]
    public async Task After_tune_ok_a_table_nested_past_the_limit_cannot_be_decoded()
    {
        // RabbitMQ decodes any depth; the limit is ours (stack safety), answered as any undecodable arguments.
        var client = await ConnectAndOpenAsync();
        byte[] declare = [0, 0, .. ShortString("deep"), 0, .. DeepTableWire(FieldTable.MaxDepth + 1)];

        await client.SendAsync(TestClient.RawFrame(1, 1, TestClient.MethodPayload(50, 10, declare)));

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.FrameError);
        Assert.That(close.ReplyText, Does.StartWith("FRAME_ERROR - cannot decode <<0,0,4,100,101,101,112,0,"));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    [NonParallelizable] // it reads the process's allocation count
    public async Task A_content_header_announcing_a_huge_body_reserves_only_what_arrives()
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new BasicPublish { Exchange = "", RoutingKey = "nowhere" });
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        // A header announcing 127 MiB, then one body frame of 10 bytes.
        byte[] header = [0, 60, 0, 0, .. BigEndian(127UL << 20), 0, 0];
        await client.SendAsync(TestClient.RawFrame(2, 1, header));
        await client.SendAsync(TestClient.RawFrame(3, 1, new byte[10]));
        await client.SendMethodAsync(1, new ChannelClose { ReplyCode = 200, ReplyText = "bye" });
        await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);

        // Far below the 127 MiB an up-front reservation costs.
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - allocated, Is.LessThan(64L << 20));
    }

    private static byte[] StartOkWithPropertiesOfSize(int payloadSize)
    {
        // Method ids (4) + properties table (4 + "\u0001p" + 'S' + 4 + n) + mechanism "PLAIN" (6) + response (4 + 12) + locale (6).
        var fixedPart = 4 + 4 + 2 + 1 + 4 + 6 + 16 + 6;
        var padding = new string('x', payloadSize - fixedPart);
        var payload = TestClient.MethodPayload(10, 11, StartOkArguments(new Dictionary<string, object?> { ["p"] = padding }));
        Assert.That(payload, Has.Length.EqualTo(payloadSize));
        return payload;
    }

    private static byte[] DeepStartOk(int depth) => TestClient.MethodPayload(10, 11, StartOkArguments(null, DeepTableWire(depth)));

    private static byte[] StartOkArguments(IReadOnlyDictionary<string, object?>? properties, byte[]? rawProperties = null)
    {
        var table = rawProperties ?? new byte[AmqpSize.Table(properties)];
        if (rawProperties is null)
        {
            new AmqpWriter(table).WriteTable(properties);
        }

        var response = TestClient.PlainResponse("guest", "guest");
        return [.. table, .. ShortString("PLAIN"), .. LongString(response), .. ShortString("en_US")];
    }

    private static byte[] QueueDeclareArguments(string queue, byte[] rawArguments) =>
        [0, 0, .. ShortString(queue), 0, .. rawArguments];

    /// <summary>A table nesting <paramref name="depth"/> tables, each holding the next under "a".</summary>
    private static byte[] DeepTableWire(int depth)
    {
        byte[] table = [0, 0, 0, 0];
        for (var level = 1; level < depth; level++)
        {
            table = [.. LongStringPrefix(table.Length + 3), 1, (byte)'a', (byte)'F', .. table];
        }

        return table;
    }

    private static byte[] ShortString(string value) => [(byte)value.Length, .. System.Text.Encoding.UTF8.GetBytes(value)];

    private static byte[] LongString(byte[] value) => [.. LongStringPrefix(value.Length), .. value];

    private static byte[] LongStringPrefix(int length) => [(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length];

    private static byte[] BigEndian(ulong value) => [.. LongStringPrefix((int)(value >> 32)), .. LongStringPrefix((int)value)];
}
