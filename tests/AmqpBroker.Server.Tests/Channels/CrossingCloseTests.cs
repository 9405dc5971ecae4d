using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Channels;

/// <summary>
/// A channel.close from the client crossing the server's own channel.close, as RabbitMQ 3.10.8 answers it
/// (checked with raw frames): the client's close gets close-ok, the channel keeps waiting for the close-ok the
/// client owes, and only that releases it; anything after that on the released channel is an error.
/// </summary>
[TestFixture]
public sealed class CrossingCloseTests : ServerFixture
{
    [Test]
    public async Task The_clients_close_is_answered_and_its_close_ok_releases_the_channel()
    {
        var client = await ClosedByServerAsync();

        await client.SendMethodAsync(1, new ChannelClose { ReplyCode = 200, ReplyText = "client closing too" });
        await client.ExpectAsync<ChannelCloseOk>(1);
        await client.SendMethodAsync(1, new ChannelCloseOk());

        await client.OpenChannelAsync(1);
        Assert.That((await client.DeclareQueueAsync(1, "q")).Queue, Is.EqualTo("q"));
    }

    [Test]
    public async Task A_repeated_close_while_closing_is_answered_again()
    {
        var client = await ClosedByServerAsync();

        await client.SendMethodAsync(1, new ChannelClose { ReplyCode = 200, ReplyText = "once" });
        await client.SendMethodAsync(1, new ChannelClose { ReplyCode = 200, ReplyText = "twice" });

        await client.ExpectAsync<ChannelCloseOk>(1);
        await client.ExpectAsync<ChannelCloseOk>(1);
        await client.SendMethodAsync(1, new ChannelCloseOk());
        await client.OpenChannelAsync(1);
    }

    [Test]
    public async Task Channel_open_while_the_close_ok_is_still_owed_is_a_second_open()
    {
        var client = await ClosedByServerAsync();
        await client.SendMethodAsync(1, new ChannelClose { ReplyCode = 200, ReplyText = "crossing" });
        await client.ExpectAsync<ChannelCloseOk>(1);

        await client.SendMethodAsync(1, new ChannelOpen());

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.ChannelError);
        Assert.That(close.ReplyText, Is.EqualTo("CHANNEL_ERROR - second 'channel.open' seen"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)20, (ushort)10)));
    }

    [Test]
    public async Task A_late_close_ok_on_a_released_channel_is_a_channel_error()
    {
        var client = await ClosedByServerAsync();
        await client.SendMethodAsync(1, new ChannelCloseOk());

        await client.SendMethodAsync(1, new ChannelCloseOk());

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.ChannelError);
        Assert.That(close.ReplyText, Is.EqualTo("CHANNEL_ERROR - expected 'channel.open'"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)20, (ushort)41)));
    }

    /// <summary>A client whose channel 1 the server has just closed with 404.</summary>
    private async Task<TestClient> ClosedByServerAsync()
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new QueueDeclare { Queue = "missing", Passive = true });
        await client.ExpectChannelCloseAsync(1, ReplyCode.NotFound);
        return client;
    }
}
