namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// When a shovel fails, RabbitMQ restarts it at once the first time and after its reconnect delay every later time:
/// its worker supervisor allows one restart over an unbounded period ({one_for_one, 1, ?MAX_WAIT} in
/// rabbit_shovel_dyn_worker_sup at v3.10.8 and v4.3.5), and supervisor2 delays the rest. Checked against RabbitMQ
/// 3.10.8 at <c>MANAGEMENT_URI</c> by closing the shovel's connections through the API.
/// </summary>
public sealed class ShovelRestartTests : ManagementTestBase
{
    [Test]
    public async Task A_failed_shovel_restarts_at_once_the_first_time_and_waits_its_reconnect_delay_after()
    {
        var name = UniqueName("restarting");
        var value = new JsonObject
        {
            ["src-uri"] = "amqp://", ["src-queue"] = Track(UniqueName("src")), ["dest-uri"] = "amqp://", ["dest-queue"] = Track(UniqueName("dst")), ["reconnect-delay"] = 3600,
        };
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", new JsonObject { ["value"] = value });
        try
        {
            var closed = new HashSet<string>();
            await CloseOneConnectionAsync(name, closed, "the shovel to connect");
            await CloseOneConnectionAsync(name, closed, "the shovel to connect again at once");

            await ShovelRig.WaitForStateAsync(Http, name, "terminated", Timeout);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.That((await ShovelRig.StatusAsync(Http, name))?["state"]?.GetValue<string>(), Is.EqualTo("terminated"), "the second restart waits the reconnect delay");
            Assert.That((await ConnectionsAsync(name)).Except(closed), Is.Empty, "no connection while it waits");
        }
        finally
        {
            await SendAsync(HttpMethod.Delete, $"api/parameters/shovel/%2F/{name}");
        }
    }

    /// <summary>
    /// Waits until the shovel has connected both ends with connections not in <paramref name="closed"/>, then closes one of
    /// them through the API; both join <paramref name="closed"/>.
    /// </summary>
    private async Task CloseOneConnectionAsync(string shovel, HashSet<string> closed, string what)
    {
        string[] open = [];
        await ShovelRig.WaitUntilAsync(async () => (open = [.. (await ConnectionsAsync(shovel)).Except(closed)]).Length == 2, what, Timeout);
        closed.UnionWith(open);
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/connections/{Uri.EscapeDataString(open[0])}");
    }

    /// <summary>The names of the connections the shovel opened (RabbitMQ's shovel names them <c>Shovel {name}</c>).</summary>
    private async Task<IEnumerable<string>> ConnectionsAsync(string shovel)
    {
        var connections = (await GetJsonAsync("api/connections")).AsArray();
        return connections
            .Where(c => c!["client_properties"]?["connection_name"]?.GetValue<string>() == $"Shovel {shovel}")
            .Select(c => c!["name"]!.GetValue<string>());
    }
}
