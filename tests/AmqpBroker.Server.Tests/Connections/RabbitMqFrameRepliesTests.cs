using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>
/// Input that RabbitMQ 3.10.8 refuses, each sent after connection.open with channel 1 open and answered with
/// RabbitMQ's reply code, text and failing method, as the raw client of the security issue saw them.
/// The broker runs the 3.10 profile, whose rules these are.
/// </summary>
[TestFixture]
public sealed class RabbitMqFrameRepliesTests : ServerFixture
{
    private static readonly byte[] Publish = TestClient.Encode(1, new BasicPublish { Exchange = "", RoutingKey = "nowhere" });

    private protected override BrokerSettings Settings => new() { Profile = VersionProfile.For(new RabbitMqRelease(3, 10)) };

    private static IEnumerable<TestCaseData> ConnectionErrors()
    {
        yield return Case("trailing bytes after basic.qos", Method(1, 60, 10, [0, 0, 0, 0, 0, 10, 0, 1, 2, 3]),
            501, "FRAME_ERROR - cannot decode <<0,0,0,0,0,10,0,1,2,3>>", 60, 10);
        yield return Case("trailing bytes after channel.open", Method(2, 20, 10, [0, (byte)'x', (byte)'y', (byte)'z']),
            501, "FRAME_ERROR - cannot decode <<0,120,121,122>>", 20, 10);
        yield return Case("a heartbeat with a payload", TestClient.RawFrame(8, 0, "abc"u8),
            501, "FRAME_ERROR - type 8, all octets = <<\"abc\">>: unknown_frame", 0, 0);
        yield return Case("a heartbeat on channel 1", TestClient.RawFrame(8, 1, []),
            505, "UNEXPECTED_FRAME - type 8, all octets = <<>>", 0, 0);
        yield return Case("a content header of weight 5", [.. Publish, .. TestClient.RawFrame(2, 1, [0, 60, 0, 5, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0])],
            505, "UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead", 60, 40);
        yield return Case("a content header shorter than its fixed part", [.. Publish, .. TestClient.RawFrame(2, 1, [0, 60, 0, 0, 0])],
            501, "FRAME_ERROR - type 2, all octets = <<0,60,0,0,0>>: unknown_frame", 0, 0);
        yield return Case("a continuation bit in the property flags", [.. Publish, .. TestClient.RawFrame(2, 1, [0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 1, 0, 0])],
            541, "INTERNAL_ERROR", 0, 0);
        yield return Case("bytes after the last property", [.. Publish, .. TestClient.RawFrame(2, 1, [0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0x80, 0, 1, (byte)'t', 9])],
            541, "INTERNAL_ERROR", 0, 0);
        yield return Case("an unsolicited channel.close-ok", Method(1, 20, 41, []),
            503, "COMMAND_INVALID - unimplemented method", 20, 41);
        yield return Case("channel.flow-ok from the client", Method(1, 20, 21, [1]),
            503, "COMMAND_INVALID - unimplemented method", 20, 21);
        yield return Case("queue.declare-ok from the client", Method(1, 50, 11, [1, (byte)'q', 0, 0, 0, 0, 0, 0, 0, 0]),
            503, "COMMAND_INVALID - unimplemented method", 50, 11);
        yield return Case("connection.open on channel 1", Method(1, 10, 40, [1, (byte)'/', 0, 0]),
            503, "COMMAND_INVALID - unimplemented method", 10, 40);
        yield return Case("basic.get-ok with its content", [.. Method(1, 60, 71, [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]), .. TestClient.RawFrame(2, 1, [0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
            503, "COMMAND_INVALID - unimplemented method", 60, 71);
        yield return Case("channel.flow on channel 0", Method(0, 20, 20, [1]),
            504, "CHANNEL_ERROR - unexpected method in connection state running", 20, 20);
        yield return Case("basic.qos on channel 0", Method(0, 60, 10, [0, 0, 0, 0, 0, 10, 0]),
            504, "CHANNEL_ERROR - unexpected method in connection state running", 60, 10);
        yield return Case("an unsolicited connection.close-ok", Method(0, 10, 51, []),
            504, "CHANNEL_ERROR - unexpected method in connection state running", 10, 51);
        yield return Case("a second channel.open", Method(1, 20, 10, [0]),
            504, "CHANNEL_ERROR - second 'channel.open' seen", 20, 10);
        yield return Case("a method on a channel never opened", Method(3, 60, 10, [0, 0, 0, 0, 0, 1, 0]),
            504, "CHANNEL_ERROR - expected 'channel.open'", 60, 10);
        yield return Case("a method between content header and body", [.. Publish, .. TestClient.RawFrame(2, 1, [0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0]), .. Method(1, 60, 10, [0, 0, 0, 0, 0, 1, 0])],
            505, "UNEXPECTED_FRAME - expected content body, got non content body frame instead", 60, 40);
        yield return Case("a content header on channel 0", TestClient.RawFrame(2, 0, [0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0]),
            505, "UNEXPECTED_FRAME - type 2, all octets = <<0,60,0,0,0,0,0,0,0,0,0,5,0,0>>", 0, 0);
        yield return Case("a body frame on channel 0", TestClient.RawFrame(3, 0, "hello"u8),
            505, "UNEXPECTED_FRAME - type 3, all octets = <<\"hello\">>", 0, 0);
        yield return Case("a truncated connection.close", Method(0, 10, 50, [0, 200]),
            541, "INTERNAL_ERROR", 0, 0);
    }

    [TestCaseSource(nameof(ConnectionErrors))]
    public async Task Is_closed_with_rabbitmqs_reply(byte[] bytes, ushort code, string text, ushort classId, ushort methodId)
    {
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(bytes);

        var close = await client.ExpectAsync<ConnectionClose>();
        Assert.That((close.ReplyCode, close.ReplyText, close.ClassId, close.MethodId), Is.EqualTo((code, text, classId, methodId)));
        await client.AcknowledgeCloseAsync();
    }

    [TestCase((byte)0)]
    [TestCase((byte)3)]
    [TestCase((byte)255)]
    public async Task A_delivery_mode_other_than_1_or_2_is_an_invalid_message_in_the_3_10_profile(byte deliveryMode)
    {
        var client = await ConnectAndOpenAsync();

        await client.PublishAsync(1, "", "nowhere", "hello"u8.ToArray(), [0x10, 0x00, deliveryMode]);

        var close = await client.ExpectChannelCloseAsync(1, ReplyCode.PreconditionFailed);
        Assert.That((close.ReplyText, close.ClassId, close.MethodId), Is.EqualTo(($"PRECONDITION_FAILED - invalid message: {{delivery_mode_unknown,{deliveryMode}}}", (ushort)60, (ushort)40)));
    }

    [Test]
    public async Task Access_request_is_answered_with_ticket_1_as_rabbitmq_still_does()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(Method(1, 30, 10, [5, .. "/data"u8, 0x1F]));

        Assert.That((await client.ExpectAsync<AccessRequestOk>(1)).Ticket, Is.EqualTo(1));
    }

    private static TestCaseData Case(string name, byte[] bytes, int code, string text, int classId, int methodId) =>
        new TestCaseData(bytes, (ushort)code, text, (ushort)classId, (ushort)methodId).SetArgDisplayNames(name);

    private static byte[] Method(ushort channel, ushort classId, ushort methodId, byte[] arguments) =>
        TestClient.RawFrame(1, channel, TestClient.MethodPayload(classId, methodId, arguments));
}
