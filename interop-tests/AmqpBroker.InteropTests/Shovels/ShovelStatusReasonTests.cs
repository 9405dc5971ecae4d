namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// What a shovel's status shows when the server refuses what it does, per release, checked against RabbitMQ 3.10.8 at
/// <c>MANAGEMENT_URI</c>. A publish to a missing destination exchange closes the destination channel with 404: 3.10.8
/// ignores a channel close other than 406 (rabbit_amqp091_shovel:handle_dest at v3.10.8), so the shovel stays
/// <c>running</c> without its channel; from 3.13.0 any channel close stops it with the reply text (commit 2daed29eb1).
/// A declare or bind refused while setting up is <c>"needed a restart"</c> until 4.3.4 (rabbit_shovel_worker:terminate/2
/// of the crashed call) and <c>"failed to set up topology"</c> from 4.3.5 (release-notes/4.3.5.md #17135).
/// </summary>
public sealed class ShovelStatusReasonTests : ShovelTestBase
{
    [Test]
    public async Task A_publish_to_a_missing_exchange_stops_the_shovel_from_3_13_and_leaves_it_running_on_3_10()
    {
        var (name, source, exchange) = await StartToMissingExchangeAsync("on-confirm");
        await PublishAsync(source);

        if (Profile.ShovelAnyChannelCloseStops)
        {
            var terminated = await ShovelRig.WaitForStateAsync(Http, name, "terminated", Timeout);
            Assert.That(terminated["reason"]!.GetValue<string>(), Is.EqualTo($"<<\"NOT_FOUND - no exchange '{exchange}' {InDefaultVhost}\">>"));
        }
        else
        {
            await WaitForChannelsAsync(name, [0, 1], "the destination channel to close");
            Assert.That((await ShovelRig.StatusAsync(Http, name))?["state"]?.GetValue<string>(), Is.EqualTo("running"));
        }

        Assert.That(await StopAsync(name, source), Is.EqualTo(1), "never confirmed, so never acknowledged: back in the queue once the shovel stops");
    }

    [Test]
    public async Task On_3_10_an_on_publish_shovel_acknowledges_what_it_published_to_a_missing_exchange()
    {
        if (Profile.ShovelAnyChannelCloseStops)
        {
            Assert.Ignore("from 3.13.0 the shovel stops at the channel close and restarts at once (the on-confirm test)");
        }

        var (name, source, _) = await StartToMissingExchangeAsync("on-publish");
        await PublishAsync(source);

        await WaitForChannelsAsync(name, [0, 1], "the destination channel to close");
        Assert.That((await ShovelRig.StatusAsync(Http, name))?["state"]?.GetValue<string>(), Is.EqualTo("running"));
        Assert.That(await StopAsync(name, source), Is.EqualTo(0), "acknowledged once published: lost");
    }

    [Test]
    public async Task A_bind_refused_while_setting_up_is_reported_as_its_release_reports_it()
    {
        var name = UniqueName("unbound");
        var value = new JsonObject
        {
            ["src-uri"] = "amqp://", ["src-exchange"] = UniqueName("missing"), ["dest-uri"] = "amqp://", ["dest-queue"] = Track(UniqueName("dst")), ["reconnect-delay"] = 3600,
        };
        TrackShovel(name);
        await ShovelRig.PutShovelAsync(Http, name, value);

        var terminated = await ShovelRig.WaitForStateAsync(Http, name, "terminated", Timeout);

        // An Erlang string, as rabbit_shovel_mgmt_util:format_info prints it: in quotes.
        var expected = Profile.ShovelTopologyFailureReason ? "failed to set up topology" : "needed a restart";
        Assert.That(terminated["reason"]!.GetValue<string>(), Is.EqualTo($"\"{expected}\""));
    }

    /// <summary>Starts a shovel from a new queue to an exchange that does not exist, and waits until both its channels are open.</summary>
    private async Task<(string Name, string Source, string Exchange)> StartToMissingExchangeAsync(string ackMode)
    {
        var (name, source, exchange) = (UniqueName("nowhere"), Track(UniqueName("src")), UniqueName("missing"));
        await using (var connection = await ConnectAsync())
        {
            await ShovelRig.DeclareDurableQueueAsync(connection, source);
        }

        var value = new JsonObject
        {
            ["src-uri"] = "amqp://", ["src-queue"] = source, ["dest-uri"] = "amqp://", ["dest-exchange"] = exchange, ["ack-mode"] = ackMode, ["reconnect-delay"] = 3600,
        };
        TrackShovel(name);
        await ShovelRig.PutShovelAsync(Http, name, value);
        await ShovelRig.WaitForStateAsync(Http, name, "running", Timeout);
        await WaitForChannelsAsync(name, [1, 1], "both ends to have their channel");
        return (name, source, exchange);
    }

    private async Task PublishAsync(string queue)
    {
        await using var channel = await OpenConfirmChannelAsync();
        await channel.BasicPublishAsync("", queue, "one"u8.ToArray());
    }

    /// <summary>
    /// Polls /api/channels (RabbitMQ updates it every few seconds; its direct connections have no <c>channels</c> count, and
    /// a channel whose connection is gone has <c>[]</c> for details) until the shovel's two connections have these numbers of channels.
    /// </summary>
    private Task WaitForChannelsAsync(string name, int[] counts, string what) => ShovelRig.WaitUntilAsync(
        async () =>
        {
            var connections = (await ShovelRig.ConnectionsAsync(Http, name)).Select(c => c["name"]!.GetValue<string>()).ToList();
            var channels = (await GetJsonAsync("api/channels")).AsArray().Select(c => (c!["connection_details"] as JsonObject)?["name"]?.GetValue<string>()).ToList();
            return connections.Count == 2 && connections.Select(c => channels.Count(owner => owner == c)).Order().SequenceEqual(counts);
        },
        what);

    /// <summary>Deletes the shovel and returns how many messages its source queue holds once the shovel's consumer is gone.</summary>
    private async Task<uint> StopAsync(string name, string source)
    {
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/parameters/shovel/%2F/{name}");
        await using var connection = await ConnectAsync();
        await ShovelRig.WaitUntilAsync(async () => await ShovelRig.ConsumersAsync(connection, source) == 0, "the shovel's consumer to go", Timeout);
        return await ShovelRig.CountAsync(connection, source);
    }
}
