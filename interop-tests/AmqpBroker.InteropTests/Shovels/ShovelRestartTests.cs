namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// When a shovel fails, RabbitMQ restarts it at once the first time and after its reconnect delay every later time:
/// its worker supervisor allows one restart over an unbounded period ({one_for_one, 1, ?MAX_WAIT} in
/// rabbit_shovel_dyn_worker_sup at v3.10.8 and v4.3.5), and supervisor2 delays the rest. Failing twice therefore leaves
/// the status <c>terminated</c> with the reason long enough to read it. Checked against RabbitMQ 3.10.8 at
/// <c>MANAGEMENT_URI</c> by closing the shovel's connections through the API and by deleting its source queue.
/// </summary>
public sealed class ShovelRestartTests : ManagementTestBase
{
    private const string ClosedByOperator = "Closed via management plugin";

    /// <summary>
    /// The reason of a connection the operator closed is the worker's exit term: <c>{shutdown,{server_initiated_close,…}}</c>
    /// (RabbitMQ 3.10.8; rabbit_shovel_worker:terminate/2 up to v4.3.4), the inner tuple from 4.3.5
    /// (rabbit_amqp091_shovel:unwrap_shutdown, release-notes/4.3.5.md #17028). A direct connection (<c>amqp://</c>) was
    /// closed with the API's text as a string (amqp_direct_connection:server_close), a network one with the reply text as
    /// a binary, which ~p puts on a line of its own past column 78.
    /// </summary>
    [TestCase(true)]
    [TestCase(false)]
    public async Task A_failed_shovel_restarts_at_once_the_first_time_and_waits_its_reconnect_delay_after(bool direct)
    {
        var name = UniqueName("restarting");
        var uri = direct ? "amqp://" : $"amqp://guest:guest@{AmqpUri.Host}:{AmqpUri.Port}";
        var value = new JsonObject
        {
            ["src-uri"] = uri, ["src-queue"] = Track(UniqueName("src")), ["dest-uri"] = uri, ["dest-queue"] = Track(UniqueName("dst")), ["reconnect-delay"] = 3600,
        };
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", new JsonObject { ["value"] = value });
        try
        {
            var closed = new HashSet<string>();
            await CloseOneConnectionAsync(name, closed, "the shovel to connect");
            await CloseOneConnectionAsync(name, closed, "the shovel to connect again at once");

            var terminated = await ShovelRig.WaitForStateAsync(Http, name, "terminated", Timeout);
            Assert.That(terminated["reason"]!.GetValue<string>(), Is.EqualTo(ClosedReason(direct)));
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.That((await ShovelRig.StatusAsync(Http, name))?["state"]?.GetValue<string>(), Is.EqualTo("terminated"), "the second restart waits the reconnect delay");
            Assert.That((await ConnectionNamesAsync(name)).Except(closed), Is.Empty, "no connection while it waits");
        }
        finally
        {
            await SendAsync(HttpMethod.Delete, $"api/parameters/shovel/%2F/{name}");
        }
    }

    /// <summary>
    /// A deleted source queue cancels the shovel's consumer, and the worker stops with <c>{shutdown,restart}</c>, shown as
    /// <c>"needed a restart"</c> on every release (rabbit_amqp091_shovel: basic.cancel, handled by handle_dest at v3.10.8,
    /// by handle_source from v4.2.9 and v4.3.0, commit 402e5b7ad8; rabbit_shovel_worker:report_terminated at v4.3.5).
    /// Each restart declares the queue again.
    /// </summary>
    [Test]
    public async Task A_shovel_whose_source_queue_is_deleted_needs_a_restart()
    {
        var name = UniqueName("cancelled");
        var source = Track(UniqueName("src"));
        var value = new JsonObject
        {
            ["src-uri"] = "amqp://", ["src-queue"] = source, ["dest-uri"] = "amqp://", ["dest-queue"] = Track(UniqueName("dst")), ["reconnect-delay"] = 3600,
        };
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", new JsonObject { ["value"] = value });
        try
        {
            await using var connection = await ConnectAsync();
            foreach (var what in (string[])["the shovel to consume", "the shovel to declare its queue again and consume at once"])
            {
                await ShovelRig.WaitUntilAsync(async () => await ShovelRig.ConsumersAsync(connection, source) == 1, what, Timeout);
                await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/queues/%2F/{source}");
            }

            var terminated = await ShovelRig.WaitForStateAsync(Http, name, "terminated", Timeout);
            Assert.That(terminated["reason"]!.GetValue<string>(), Is.EqualTo("\"needed a restart\""));
        }
        finally
        {
            await SendAsync(HttpMethod.Delete, $"api/parameters/shovel/%2F/{name}");
        }
    }

    private string ClosedReason(bool direct)
    {
        var text = direct ? $"\"{ClosedByOperator}\"" : $"<<\"CONNECTION_FORCED - {ClosedByOperator}\">>";
        return (Profile.ShovelCloseReasonUnwrapped, direct) switch
        {
            (false, true) => $"{{shutdown,{{server_initiated_close,320,{text}}}}}",
            (false, false) => $"{{shutdown,{{server_initiated_close,320,\n{new string(' ', 34)}{text}}}}}",
            (true, true) => $"{{server_initiated_close,320,{text}}}",
            (true, false) => $"{{server_initiated_close,320,\n{new string(' ', 24)}{text}}}",
        };
    }

    /// <summary>
    /// Waits until the shovel runs with both ends connected by connections not in <paramref name="closed"/> (so its
    /// topology is set up, and a close fails a running shovel rather than its setup), then closes one of them through the
    /// API; both join <paramref name="closed"/>.
    /// </summary>
    private async Task CloseOneConnectionAsync(string shovel, HashSet<string> closed, string what)
    {
        string[] open = [];
        await ShovelRig.WaitUntilAsync(
            async () => (open = [.. (await ConnectionNamesAsync(shovel)).Except(closed)]).Length == 2
                && (await ShovelRig.StatusAsync(Http, shovel))?["state"]?.GetValue<string>() == "running",
            what,
            Timeout);
        closed.UnionWith(open);
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/connections/{Uri.EscapeDataString(open[0])}");
    }

    private async Task<IEnumerable<string>> ConnectionNamesAsync(string shovel) =>
        (await ShovelRig.ConnectionsAsync(Http, shovel)).Select(c => c["name"]!.GetValue<string>());
}
