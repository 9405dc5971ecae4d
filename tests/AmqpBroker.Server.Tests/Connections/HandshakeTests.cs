using System.Net;
using System.Text;
using AmqpBroker.Core.Security;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>Protocol header, start/start-ok (PLAIN, AMQPLAIN), tune/tune-ok and open, as RabbitMQ runs them.</summary>
[TestFixture]
public sealed class HandshakeTests : ServerFixture
{
    [TestCase("AMQP\0\0\u0009\u0002")]
    [TestCase("AMQP\0\u0001\0\0")]
    [TestCase("HTTP/1.1")]
    [TestCase("GET / HT")]
    public async Task A_wrong_protocol_header_is_answered_with_ours_and_the_connection_closes(string header)
    {
        var client = Connect();

        await client.SendAsync(Encoding.ASCII.GetBytes(header));

        Assert.That(await client.ReadToEndAsync(), Is.EqualTo(ProtocolHeader.Amqp091.ToArray()));
        await client.Run.WaitAsync(TestClient.Deadline);
        Assert.That(Broker.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task A_connection_that_ends_before_the_header_is_complete_ends_quietly()
    {
        var client = Connect();
        await client.SendAsync("AMQP"u8.ToArray());

        client.CompleteOutput();

        Assert.That(await client.ReadToEndAsync(), Is.Empty);
        await client.Run.WaitAsync(TestClient.Deadline);
    }

    [Test]
    public async Task Connection_start_offers_plain_and_amqplain_and_rabbitmqs_capabilities()
    {
        var client = Connect();

        var start = await client.SendHeaderAsync();

        Assert.That((start.VersionMajor, start.VersionMinor), Is.EqualTo(((byte)0, (byte)9)));
        Assert.That(Encoding.UTF8.GetString(start.Mechanisms).Split(' '), Is.SupersetOf(new[] { "PLAIN", "AMQPLAIN" }));
        Assert.That(Encoding.UTF8.GetString(start.Locales), Does.Contain("en_US"));
        var capabilities = (IReadOnlyDictionary<string, object?>)start.ServerProperties["capabilities"]!;
        foreach (var capability in new[] { "publisher_confirms", "basic.nack", "consumer_cancel_notify", "authentication_failure_close", "exchange_exchange_bindings", "per_consumer_qos" })
        {
            Assert.That(capabilities.GetValueOrDefault(capability), Is.EqualTo(true), capability);
        }
    }

    [Test]
    public async Task A_full_plain_handshake_opens_the_connection()
    {
        var client = Connect();

        var tune = await client.StartAsync("PLAIN", TestClient.PlainResponse("guest", "guest"));
        Assert.That((tune.ChannelMax, tune.FrameMax, tune.Heartbeat), Is.EqualTo(((ushort)2047, 131_072u, (ushort)60)));
        await client.SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = tune.ChannelMax, FrameMax = tune.FrameMax, Heartbeat = 0 });
        await client.SendMethodAsync(0, new ConnectionOpen { VirtualHost = "/" });
        await client.ExpectAsync<ConnectionOpenOk>();
        await client.OpenChannelAsync(1);

        Assert.That(Broker.ConnectionCount, Is.EqualTo(1));
        var connection = Broker.Connections.Single();
        Assert.That((connection.User.Name, connection.VirtualHost), Is.EqualTo(("guest", "/")));
        Assert.That(connection.Name, Is.EqualTo("127.0.0.1:50000 -> 127.0.0.1:5672"));
        Assert.That(connection.ClientProperties["product"], Is.EqualTo("AmqpBroker.Server.Tests"));
    }

    [Test]
    public async Task A_full_amqplain_handshake_opens_the_connection()
    {
        var client = Connect();

        await client.StartAsync("AMQPLAIN", TestClient.AmqPlainResponse("guest", "guest"));
        await client.SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = 131_072 });
        await client.SendMethodAsync(0, new ConnectionOpen { VirtualHost = "/" });

        await client.ExpectAsync<ConnectionOpenOk>();
    }

    [Test]
    public async Task The_whole_client_handshake_may_arrive_one_byte_at_a_time()
    {
        var client = Connect();
        var bytes = new List<byte>(ProtocolHeader.Amqp091.ToArray());
        bytes.AddRange(TestClient.Encode(0, new ConnectionStartOk { ClientProperties = TestClient.ClientProperties(), Mechanism = "PLAIN", Response = TestClient.PlainResponse("guest", "guest"), Locale = "en_US" }));
        bytes.AddRange(TestClient.Encode(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = 131_072 }));
        bytes.AddRange(TestClient.Encode(0, new ConnectionOpen { VirtualHost = "/" }));
        bytes.AddRange(TestClient.Encode(1, new ChannelOpen()));

        await client.SendInPiecesAsync(bytes.ToArray(), chunk: 1);

        await client.ExpectAsync<ConnectionStart>();
        await client.ExpectAsync<ConnectionTune>();
        await client.ExpectAsync<ConnectionOpenOk>();
        await client.ExpectAsync<ChannelOpenOk>(1);
    }

    [Test]
    public async Task A_user_added_to_the_broker_can_log_in_with_either_mechanism()
    {
        Broker.PutUser(new User("alice", PasswordHasher.Hash("s3cret ✓"), []));
        var plain = Connect();
        var amqplain = Connect();

        Assert.That((await plain.StartAsync("PLAIN", TestClient.PlainResponse("alice", "s3cret ✓"))).FrameMax, Is.EqualTo(131_072u));
        Assert.That((await amqplain.StartAsync("AMQPLAIN", TestClient.AmqPlainResponse("alice", "s3cret ✓"))).FrameMax, Is.EqualTo(131_072u));
    }

    [TestCase("PLAIN")]
    [TestCase("AMQPLAIN")]
    public async Task A_wrong_password_with_authentication_failure_close_gets_access_refused(string mechanism)
    {
        var client = Connect();
        await client.SendHeaderAsync();
        var response = mechanism == "PLAIN" ? TestClient.PlainResponse("guest", "wrong") : TestClient.AmqPlainResponse("guest", "wrong");

        await client.SendStartOkAsync(mechanism, response, authenticationFailureClose: true);

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.AccessRefused);
        Assert.That(close.ReplyText, Is.EqualTo($"ACCESS_REFUSED - Login was refused using authentication mechanism {mechanism}. For details see the broker logfile."));
        await ExpectEndAfterFailedHandshakeAsync(client);
        Assert.That(Broker.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task An_unknown_user_gets_the_same_access_refused()
    {
        var client = Connect();
        await client.SendHeaderAsync();

        await client.SendStartOkAsync("PLAIN", TestClient.PlainResponse("nobody", "guest"));

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.AccessRefused);
        Assert.That(close.ReplyText, Does.StartWith("ACCESS_REFUSED - Login was refused"));
        await ExpectEndAfterFailedHandshakeAsync(client);
    }

    [Test]
    public async Task A_wrong_password_without_the_capability_just_closes_the_connection()
    {
        var client = Connect();
        await client.SendHeaderAsync();

        await client.SendStartOkAsync("PLAIN", TestClient.PlainResponse("guest", "wrong"), authenticationFailureClose: false);

        await ExpectEndAfterFailedHandshakeAsync(client);
        Assert.That(Broker.ConnectionCount, Is.Zero);
    }

    [TestCase("")]
    [TestCase("guest")]
    [TestCase("\0guest")]
    [TestCase("admin\0guest\0guest", TestName = "an authorisation id other than the user")]
    [TestCase("guest\0guest\0guest", TestName = "an authorisation id equal to the user")]
    [TestCase("\0guest\0guest\0x", TestName = "a third NUL")]
    public async Task A_malformed_plain_response_is_not_answered_and_the_socket_closes_after_the_delay(string response)
    {
        // RabbitMQ 3.10.8 (checked): an unreadable PLAIN response, a non-empty authorisation id included, gets no
        // connection.close at all; the socket closes 3 s later.
        var client = Connect();
        await client.SendHeaderAsync();

        await client.SendStartOkAsync("PLAIN", Encoding.UTF8.GetBytes(response));

        await ExpectEndAfterFailedHandshakeAsync(client);
        Assert.That(Broker.AuthenticationAttempts.Snapshot().Single().Failed, Is.EqualTo(1));
    }

    [Test]
    public async Task A_refused_login_holds_the_socket_for_the_failed_handshake_delay_before_closing_it()
    {
        var client = Connect();
        await client.SendHeaderAsync();
        await client.SendStartOkAsync("PLAIN", TestClient.PlainResponse("guest", "wrong"));
        await client.ExpectConnectionCloseAsync(ReplyCode.AccessRefused);

        AdvanceTickByTick(TimeSpan.FromSeconds(2.75));
        await Task.Delay(50);
        Assert.That(client.Run.IsCompleted, Is.False, "closed before the 3 s RabbitMQ waits");

        await ExpectEndAfterFailedHandshakeAsync(client);
    }

    [Test]
    public async Task A_blank_password_is_refused_even_when_the_stored_hash_is_of_the_empty_password()
    {
        Broker.PutUser(new User("blank", PasswordHasher.Hash(""), []));
        var client = Connect();
        await client.SendHeaderAsync();

        await client.SendStartOkAsync("PLAIN", TestClient.PlainResponse("blank", ""));

        await client.ExpectConnectionCloseAsync(ReplyCode.AccessRefused);
        await ExpectEndAfterFailedHandshakeAsync(client);
    }

    [Test]
    public async Task Guest_from_a_remote_address_is_refused()
    {
        var client = Connect(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 50000));
        await client.SendHeaderAsync();

        await client.SendStartOkAsync();

        // RabbitMQ tells the client only that the login was refused; the reason is in the log.
        var close = await client.ExpectConnectionCloseAsync(ReplyCode.AccessRefused);
        Assert.That(close.ReplyText, Is.EqualTo("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile."));
        await ExpectEndAfterFailedHandshakeAsync(client);
    }

    [Test]
    public async Task Guest_from_ipv6_loopback_is_allowed()
    {
        var client = Connect(new IPEndPoint(IPAddress.IPv6Loopback, 50000));

        Assert.That((await client.StartAsync()).ChannelMax, Is.EqualTo((ushort)2047));
    }

    [Test]
    public async Task Another_user_may_connect_from_a_remote_address()
    {
        Broker.PutUser(new User("alice", PasswordHasher.Hash("pw"), []));
        var client = Connect(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 50000));

        Assert.That((await client.StartAsync("PLAIN", TestClient.PlainResponse("alice", "pw"))).ChannelMax, Is.EqualTo((ushort)2047));
    }

    [TestCase("FOO")]
    [TestCase("EXTERNAL", TestName = "EXTERNAL, which only a TLS listener offers")]
    public async Task An_unknown_mechanism_is_not_answered(string mechanism)
    {
        // RabbitMQ 3.10 (checked) logs COMMAND_INVALID "unknown authentication mechanism" and, because it happens
        // before tuning, closes the socket after its 3 s without connection.close.
        var client = Connect();
        await client.SendHeaderAsync();

        await client.SendStartOkAsync(mechanism, TestClient.PlainResponse("guest", "guest"));

        await ExpectEndAfterFailedHandshakeAsync(client);
    }

    [TestCase(4095u, TestName = "frame_max below the 4096 minimum")]
    [TestCase(131_073u, TestName = "frame_max above the server's")]
    [TestCase(0u, TestName = "frame_max 0 (unlimited) when the server has a limit")]
    public async Task A_tune_ok_frame_max_outside_the_allowed_range_is_not_allowed(uint frameMax)
    {
        var client = Connect();
        await client.StartAsync();

        await client.SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = frameMax });

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.NotAllowed);
        Assert.That(close.ReplyText, Does.Contain("frame_max"));
        await client.AcknowledgeCloseAsync();
    }

    [TestCase((ushort)0, TestName = "channel_max 0 (unlimited) when the server has a limit")]
    [TestCase((ushort)2048, TestName = "channel_max above the server's")]
    public async Task A_tune_ok_channel_max_outside_the_allowed_range_is_not_allowed(ushort channelMax)
    {
        // RabbitMQ 3.10 (checked): "negotiated channel_max = 0 (no limit) is higher than the maximum allowed value (2047)".
        var client = Connect();
        await client.StartAsync();

        await client.SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = channelMax, FrameMax = 131_072 });

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.NotAllowed);
        Assert.That(close.ReplyText, Does.Contain("channel_max"));
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task The_smallest_frame_max_is_accepted_and_limits_the_frames_the_client_may_send()
    {
        var client = Connect();
        await client.OpenAsync(frameMax: 4096);
        await client.OpenChannelAsync(1);

        // RabbitMQ 3.10 (checked) tolerates a payload of frame_max bytes (clients forget the 8 bytes of framing),
        // so this body frame is only out of order (505), while one byte more is a frame error.
        await client.SendAsync(TestClient.RawFrame(3, 1, new byte[4096]));

        await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        await client.AcknowledgeCloseAsync();
    }

    [Test]
    public async Task Connection_open_of_a_missing_virtual_host_is_not_allowed()
    {
        var client = Connect();
        await client.StartAsync();
        await client.SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = 131_072 });

        await client.SendMethodAsync(0, new ConnectionOpen { VirtualHost = "nope" });

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.NotAllowed);
        Assert.That(close.ReplyText, Is.EqualTo("NOT_ALLOWED - vhost nope not found"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)10, (ushort)40)));
        await client.AcknowledgeCloseAsync();
        Assert.That(Broker.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task Connection_open_of_a_virtual_host_the_user_has_no_permission_on_is_not_allowed()
    {
        // A new vhost grants nobody anything, as in RabbitMQ; its refusal text is RabbitMQ 3.10's (checked).
        Broker.AddVirtualHost("staging");
        var client = Connect();
        await client.StartAsync();
        await client.SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = 131_072 });

        await client.SendMethodAsync(0, new ConnectionOpen { VirtualHost = "staging" });

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.NotAllowed);
        Assert.That(close.ReplyText, Is.EqualTo("NOT_ALLOWED - access to vhost 'staging' refused for user 'guest'"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)10, (ushort)40)));
        await client.AcknowledgeCloseAsync();
        Assert.That(Broker.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task Connection_open_of_another_existing_virtual_host_succeeds()
    {
        Broker.AddVirtualHost("staging");
        Broker.SetPermission(new Permission("guest", "staging", "", "", ""));
        var client = Connect();

        await client.OpenAsync(virtualHost: "staging");
        await client.OpenChannelAsync(1);

        Assert.That(Broker.Connections.Single().VirtualHost, Is.EqualTo("staging"));
    }

    [Test]
    public async Task A_method_other_than_start_ok_before_tuning_is_not_answered()
    {
        var client = Connect();
        await client.SendHeaderAsync();

        await client.SendMethodAsync(0, new ConnectionOpen { VirtualHost = "/" });

        await ExpectEndAfterFailedHandshakeAsync(client);
    }

    [Test]
    public async Task A_method_other_than_open_after_tune_ok_is_rabbitmqs_unexpected_method()
    {
        var client = Connect();
        await client.StartAsync();
        await client.SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = 131_072 });

        await client.SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = 131_072 });

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.ChannelError);
        Assert.That(close.ReplyText, Is.EqualTo("CHANNEL_ERROR - unexpected method in connection state opening"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)10, (ushort)31)));
    }

    [Test]
    public async Task A_channel_frame_after_tune_ok_is_an_unexpected_frame_described_as_rabbitmq_does()
    {
        var client = Connect();
        await client.StartAsync();
        await client.SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = 2047, FrameMax = 131_072 });

        await client.SendMethodAsync(1, new ChannelOpen());

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.UnexpectedFrame);
        Assert.That(close.ReplyText, Is.EqualTo("UNEXPECTED_FRAME - type 1, all octets = <<0,20,0,10,0>>"));
    }
}
