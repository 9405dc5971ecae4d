using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// A shovel whose source connection is lost without a close, on every profile and against RabbitMQ 3.10.8 at
/// <c>MANAGEMENT_URI</c>: both ends are on a second broker of ours (in two vhosts), whose fault API drops the source's socket.
/// amqp_network_connection stops with <c>socket_closed_unexpectedly</c>; rabbit_shovel_worker:terminate/2 reports nothing at
/// v3.10.8 (the status stays <c>running</c> until the restart after the reconnect delay; checked against RabbitMQ 3.10.8),
/// <c>"socket closed"</c> from v3.13.2 (commit d264babfb7, #11101) to v4.3.4, and on 4.3.5 the unwrapped reason as it is,
/// <c>socket_closed_unexpectedly</c> (rabbit_amqp091_shovel:unwrap_shutdown, report_terminated; release-notes/4.3.5.md #17028).
/// </summary>
[Releases("3.10", "3.13", "4.2", "4.3")]
public sealed class ShovelLostConnectionTests : ShovelTestBase
{
    [Test]
    public async Task A_dropped_source_socket_is_reported_as_the_release_reports_it()
    {
        var root = ShovelRig.TempDirectory("lost");
        var ends = await ShovelRig.StartBrokerAsync(root);
        try
        {
            await DropTheSourceTwiceAsync(ends, TrackShovel(UniqueName("dropped")));
        }
        finally
        {
            await DeleteShovelsAsync();
            await ends.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Runs a shovel between two vhosts of <paramref name="ends"/>, drops its source socket twice, and checks the status.</summary>
    private async Task DropTheSourceTwiceAsync(BrokerHost ends, string shovel)
    {
        using var endsAdmin = ShovelRig.Admin(ends.ManagementUri!);
        foreach (var vhost in (string[])["from", "to"])
        {
            using var created = await endsAdmin.PutAsync($"api/vhosts/{vhost}", null);
            Assert.That(created.IsSuccessStatusCode, Is.True, $"vhost {vhost}");
        }

        await ShovelRig.PutShovelAsync(Http, shovel, new JsonObject
        {
            ["src-uri"] = $"{ShovelRig.UriOf(ends)}/from", ["src-queue"] = "work",
            ["dest-uri"] = $"{ShovelRig.UriOf(ends)}/to", ["dest-queue"] = "work", ["reconnect-delay"] = 3600,
        });
        await ShovelRig.WaitForStateAsync(Http, shovel, "running", Timeout);
        var first = await WaitForConnectionsAsync(endsAdmin, shovel, []);

        // The first failure restarts the worker at once (rabbit_shovel_dyn_worker_sup allows one restart), so the status is
        // soon running again; the second waits out the reconnect delay with what the worker reported as it stopped.
        Assert.That(ends.Faults.DropConnections(FaultScope.ForVirtualHost("from")), Is.EqualTo(1));
        await WaitForConnectionsAsync(endsAdmin, shovel, first);
        Assert.That(ends.Faults.DropConnections(FaultScope.ForVirtualHost("from")), Is.EqualTo(1));

        // The worker closes its destination connection as it stops, after it reported (or did not report) the loss.
        await ShovelRig.WaitUntilAsync(async () => (await ShovelRig.ConnectionsAsync(endsAdmin, shovel)).Count == 0, "the destination connection to close", Timeout);
        if (!Profile.ShovelLostConnectionReported)
        {
            Assert.That((await ShovelRig.StatusAsync(Http, shovel))?["state"]?.GetValue<string>(), Is.EqualTo("running"), "3.10.8 reports nothing");
            return;
        }

        var terminated = await ShovelRig.WaitForStateAsync(Http, shovel, "terminated", Timeout);
        Assert.That(terminated["reason"]!.GetValue<string>(), Is.EqualTo(Profile.ShovelCloseReasonUnwrapped ? "socket_closed_unexpectedly" : "\"socket closed\""));
    }

    /// <summary>
    /// Waits until the shovel has its two connections to the ends, none of them one of <paramref name="previous"/>, and
    /// consumes from its source queue (its topology is set up, so a loss now is one of a running shovel); returns their names.
    /// </summary>
    private static async Task<List<string>> WaitForConnectionsAsync(HttpClient endsAdmin, string shovel, List<string> previous)
    {
        List<string> names = [];
        await ShovelRig.WaitUntilAsync(
            async () =>
            {
                names = [.. (await ShovelRig.ConnectionsAsync(endsAdmin, shovel)).Select(c => c["name"]!.GetValue<string>())];
                return names.Count == 2 && !names.Intersect(previous).Any()
                    && JsonNode.Parse(await endsAdmin.GetStringAsync("api/queues/from/work"))!["consumers"]!.GetValue<int>() == 1;
            },
            "the shovel to connect to both ends and consume",
            Timeout);
        return names;
    }
}
