using System.Buffers.Binary;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>
/// DESIGN.md §6: bad input gets the right reply code and a clean close of the connection, never an unhandled
/// exception or a hung connection. Reply codes and texts were checked against RabbitMQ 3.10 with raw frames;
/// each test says where RabbitMQ differs.
/// </summary>
[TestFixture]
public sealed class BadInputTests : ServerFixture
{
    [Test]
    public async Task A_frame_without_the_end_octet_is_a_frame_error_and_ends_the_connection()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(TestClient.RawFrame(1, 1, TestClient.MethodPayload(20, 40, []), end: 0x00));

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.FrameError);
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)0, (ushort)0)));
        // The byte stream cannot be trusted any more: the server does not wait for close-ok.
        await client.ExpectEndAsync();
    }

    [Test]
    public async Task A_frame_larger_than_frame_max_is_a_frame_error_before_its_payload_arrives()
    {
        var client = await ConnectAndOpenAsync(frameMax: 4096);
        var header = new byte[7];
        header[0] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(1), 1);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(3), 4097);

        await client.SendAsync(header);

        await client.ExpectConnectionCloseAsync(ReplyCode.FrameError);
        await client.ExpectEndAsync();
    }

    [Test]
    public async Task A_frame_of_an_unknown_type_is_a_frame_error()
    {
        // RabbitMQ 3.10.8 (checked) reads the whole frame, then refuses it with this text.
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(TestClient.RawFrame(5, 1, [1, 2, 3]));

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.FrameError);
        Assert.That(close.ReplyText, Is.EqualTo("FRAME_ERROR - type 5, all octets = <<1,2,3>>: unknown_frame"));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_method_frame_too_short_for_its_ids_is_a_frame_error()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(TestClient.RawFrame(1, 1, [0, 50]));

        await client.ExpectConnectionCloseAsync(ReplyCode.FrameError);
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task Truncated_method_arguments_are_a_frame_error_that_cannot_decode_them()
    {
        // RabbitMQ 3.10 (checked) answers 501 "FRAME_ERROR - cannot decode <<0>>" with class/method 50/10 here.
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(TestClient.RawFrame(1, 1, TestClient.MethodPayload(50, 10, [0])));

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.FrameError);
        Assert.That(close.ReplyText, Is.EqualTo("FRAME_ERROR - cannot decode <<0>>"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)50, (ushort)10)));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_field_table_with_an_unknown_field_type_is_a_frame_error_that_cannot_decode_it()
    {
        // RabbitMQ 3.10 (checked) crashes the connection here (function_clause in rabbit_binary_parser) and
        // resets the socket; the same 501 as for any other undecodable arguments is a clean close instead.
        var client = await ConnectAndOpenAsync();
        byte[] arguments = [0, 0, 1, (byte)'q', 0, 0, 0, 0, 3, 1, (byte)'a', (byte)'Z'];

        await client.SendAsync(TestClient.RawFrame(1, 1, TestClient.MethodPayload(50, 10, arguments)));

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.FrameError);
        Assert.That(close.ReplyText, Is.EqualTo("FRAME_ERROR - cannot decode <<0,0,1,113,0,0,0,0,3,1,97,90>>"));
        await client.AcknowledgeCloseAsync();
    }

    [TestCase((ushort)60, (ushort)999, TestName = "unknown method of a known class")]
    [TestCase((ushort)77, (ushort)10, TestName = "unknown class")]
    public async Task An_unknown_method_on_a_channel_is_not_implemented(ushort classId, ushort methodId)
    {
        // RabbitMQ 3.10 (checked) crashes the connection with {unknown_method_id, {60,999}} and sends no close.
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(TestClient.RawFrame(1, 1, TestClient.MethodPayload(classId, methodId, [])));

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.NotImplemented);
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo((classId, methodId)));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task An_unknown_method_on_channel_zero_is_not_implemented()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(TestClient.RawFrame(1, 0, TestClient.MethodPayload(10, 99, [])));

        await client.ExpectConnectionCloseAsync(ReplyCode.NotImplemented);
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_method_on_a_channel_that_is_not_open_is_a_channel_error()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendMethodAsync(2, new QueueDeclare { Queue = "q" });

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.ChannelError);
        Assert.That(close.ReplyText, Does.StartWith("CHANNEL_ERROR - expected 'channel.open'"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)50, (ushort)10)));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_body_frame_without_a_content_header_is_an_unexpected_frame()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(TestClient.RawFrame(3, 1, "abc"u8));

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        Assert.That(close.ReplyText, Is.EqualTo("UNEXPECTED_FRAME - expected method frame, got non method frame instead"));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_body_frame_on_a_channel_that_is_not_open_is_an_unexpected_frame()
    {
        // RabbitMQ 3.10 (checked): 505 "expected method frame, got non method frame instead", not 504.
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(TestClient.RawFrame(3, 2, "abc"u8));

        await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_content_header_without_a_publish_is_an_unexpected_frame()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendContentAsync(1, "abc"u8.ToArray());

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        Assert.That(close.ReplyText, Is.EqualTo("UNEXPECTED_FRAME - expected method frame, got non method frame instead"));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_method_frame_in_the_middle_of_content_is_an_unexpected_frame()
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new BasicPublish { RoutingKey = "q" });
        await client.SendAsync(ContentHeader(1, bodySize: 10));
        await client.SendAsync(TestClient.RawFrame(3, 1, "abc"u8));

        await client.SendMethodAsync(1, new BasicPublish { RoutingKey = "q" });

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        Assert.That(close.ReplyText, Does.StartWith("UNEXPECTED_FRAME - expected content body"));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_method_frame_instead_of_the_content_header_is_an_unexpected_frame()
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new BasicPublish { RoutingKey = "q" });

        await client.SendMethodAsync(1, new QueueDeclare { Queue = "q" });

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        Assert.That(close.ReplyText, Is.EqualTo("UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead"));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_body_frame_instead_of_the_content_header_is_an_unexpected_frame()
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new BasicPublish { RoutingKey = "q" });

        await client.SendAsync(TestClient.RawFrame(3, 1, "abc"u8));

        await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_second_channel_open_on_an_open_channel_is_a_channel_error()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendMethodAsync(1, new ChannelOpen());

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.ChannelError);
        Assert.That(close.ReplyText, Does.StartWith("CHANNEL_ERROR - second 'channel.open' seen"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)20, (ushort)10)));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task Opening_more_channels_than_channel_max_is_not_allowed()
    {
        // RabbitMQ 3.10 (checked) counts open channels: with channel_max 2, channels 1 and 7 open, a third does not.
        var client = Connect();
        await client.OpenAsync(channelMax: 2);
        await client.OpenChannelAsync(1);
        await client.OpenChannelAsync(7);

        await client.SendMethodAsync(3, new ChannelOpen());

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.NotAllowed);
        Assert.That(close.ReplyText, Is.EqualTo("NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)"));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_closed_channel_no_longer_counts_against_channel_max()
    {
        var client = Connect();
        await client.OpenAsync(channelMax: 2);
        await client.OpenChannelAsync(1);
        await client.OpenChannelAsync(2);
        await client.SendMethodAsync(1, new ChannelClose { ReplyCode = 200, ReplyText = "bye" });
        await client.ExpectAsync<ChannelCloseOk>(1);

        await client.OpenChannelAsync(5);
    }

    [Test]
    public async Task A_heartbeat_on_a_channel_other_than_zero_is_an_unexpected_frame()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(TestClient.RawFrame(8, 1, []));

        await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task A_content_frame_on_channel_zero_is_an_unexpected_frame()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendAsync(ContentHeader(0, bodySize: 1));

        await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task Frames_after_the_server_sent_connection_close_are_ignored_until_close_ok()
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new ChannelOpen());
        await client.ExpectConnectionCloseAsync(ReplyCode.ChannelError);

        await client.SendMethodAsync(1, new QueueDeclare { Queue = "ignored" });
        await client.SendAsync(TestClient.RawFrame(3, 1, "ignored"u8));
        await client.SendMethodAsync(2, new ChannelOpen());

        await client.AcknowledgeCloseAsync();
        Assert.That(Broker.FindVirtualHost("/")!.FindQueue("ignored"), Is.Null);
    }

    [Test]
    public async Task A_client_that_never_answers_connection_close_is_disconnected()
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new ChannelOpen());
        await client.ExpectConnectionCloseAsync(ReplyCode.ChannelError);

        Time.Advance(TimeSpan.FromSeconds(5));

        await client.ExpectEndAsync();
    }

    [Test]
    public async Task A_frame_error_on_one_connection_leaves_the_others_working()
    {
        var healthy = await ConnectAndOpenAsync();
        var broken = await ConnectAndOpenAsync();
        await healthy.DeclareQueueAsync(1, "q");

        await broken.SendAsync(TestClient.RawFrame(1, 1, TestClient.MethodPayload(20, 40, []), end: 0x42));
        await broken.ExpectConnectionCloseAsync(ReplyCode.FrameError);
        await broken.ExpectEndAsync();

        await healthy.PublishAsync(1, "", "q", "still here"u8.ToArray());
        var (_, _, body, _) = await healthy.GetAsync(1, "q");
        Assert.That(body, Is.EqualTo("still here"u8.ToArray()));
        Assert.That(Broker.ConnectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_connection_error_closes_the_connection_but_not_its_durable_topology_or_other_connections()
    {
        var first = await ConnectAndOpenAsync();
        var second = await ConnectAndOpenAsync();
        await first.DeclareQueueAsync(1, "shared");
        await first.DeclareQueueAsync(1, "mine", exclusive: true);

        await first.SendAsync(TestClient.RawFrame(1, 1, TestClient.MethodPayload(60, 999, [])));
        await first.ExpectConnectionCloseAsync(ReplyCode.NotImplemented);
        await first.AcknowledgeCloseAsync();

        var vhost = Broker.FindVirtualHost("/")!;
        Assert.That(vhost.FindQueue("shared"), Is.Not.Null);
        Assert.That(vhost.FindQueue("mine"), Is.Null, "exclusive queues die with their connection");
        Assert.That((await second.DeclareQueueAsync(1, "shared")).Queue, Is.EqualTo("shared"));
    }

    private static byte[] ContentHeader(ushort channel, ulong bodySize)
    {
        var payload = new byte[14];
        BinaryPrimitives.WriteUInt16BigEndian(payload, 60);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(4), bodySize);
        return TestClient.RawFrame(2, channel, payload);
    }
}
