using AmqpBroker.Hosting;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Security;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The health checks and node endpoints that came and went with RabbitMQ releases (rabbit_mgmt_dispatcher at v3.10.8,
/// v3.13.7, v4.0.9, v4.1.8, v4.2.9, v4.3.5), as a healthy single node answers them; a path a release lacks is an unknown
/// one there. Each test names the rabbit_mgmt_wm_* module it follows; the 3.10 expectations are checked against
/// RabbitMQ 3.10.8. The in-process broker allows one AMQP connection, so the connection limit checks can be failed.
/// </summary>
[Releases("3.10", "3.13", "4.0", "4.1", "4.2", "4.3")]
public sealed class HealthCheckReleaseTests : ManagementTestBase
{
    private const string Checks = "api/health/checks/";

    protected override BrokerOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.Settings = options.Settings with { MaxConnections = 1 };
        return options;
    }

    /// <summary>
    /// rabbit_mgmt_wm_health_check_node_is_quorum_critical (every release) and …_node_is_mirror_sync_critical (3.10 to
    /// 3.13; gone with mirroring in 4.0): a single node cluster is never critical, and says why.
    /// </summary>
    [TestCase("node-is-quorum-critical")]
    [TestCase("node-is-mirror-sync-critical")]
    public async Task A_single_node_is_never_quorum_or_mirror_sync_critical(string check)
    {
        var response = await SendAsync(HttpMethod.Get, Checks + check);
        if (check == "node-is-mirror-sync-critical" && !Profile.NodeApi.HasFlag(ManagementNodeApi.MirroredQueues))
        {
            AssertUnknownPath(response);
            return;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        AssertBody(response, new JsonObject { ["status"] = "ok", ["reason"] = "single node cluster" });
    }

    /// <summary>
    /// rabbit_mgmt_wm_health_check_metadata_store_initialized[_with_data] (release-notes/4.0.6.md): 200 <c>{"status":"ok"}</c>
    /// once the store is up and, for with-data, holds a virtual host; management users only.
    /// </summary>
    [TestCase("metadata-store/initialized")]
    [TestCase("metadata-store/initialized/with-data")]
    public async Task Metadata_store_checks_from_4_0_6(string check) =>
        await AssertCheckAsync(check, ManagementNodeApi.MetadataStoreChecks, credentials: true);

    /// <summary>
    /// rabbit_mgmt_wm_health_check_quorum_queues_without_elected_leaders[_across_all_vhosts] (release-notes/4.1.0.md): every
    /// quorum queue of a single node has its leader there. The vhost is not looked up, and a trailing slash is the same path.
    /// </summary>
    [TestCase("quorum-queues-without-elected-leaders/all-vhosts/")]
    [TestCase("quorum-queues-without-elected-leaders/all-vhosts/pattern/%5Eqq")]
    [TestCase("quorum-queues-without-elected-leaders/vhost/vh-2/")]
    [TestCase("quorum-queues-without-elected-leaders/vhost/no-such-vhost/pattern/.*")]
    public async Task Quorum_queue_leader_checks_from_4_1_0(string check)
    {
        if (Profile.NodeApi.HasFlag(ManagementNodeApi.QuorumLeaderChecks))
        {
            var queue = Track(UniqueName("qq"));
            await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/%2F/{queue}", new JsonObject { ["durable"] = true, ["arguments"] = new JsonObject { ["x-queue-type"] = "quorum" } });
        }

        await AssertCheckAsync(check, ManagementNodeApi.QuorumLeaderChecks, credentials: true);
    }

    /// <summary>
    /// rabbit_mgmt_wm_health_check_is_in_service, …_ready_to_serve_clients, …_below_node_connection_limit (release-notes/4.1.1.md,
    /// #13782) and …_reached_target_cluster_size (v4.2.4, #15404): no is_authorized/2, so anyone may ask; never cached
    /// (rabbit_mgmt_headers:set_no_cache_headers).
    /// </summary>
    [TestCase("is-in-service", ManagementNodeApi.ServingChecks)]
    [TestCase("ready-to-serve-clients", ManagementNodeApi.ServingChecks)]
    [TestCase("below-node-connection-limit", ManagementNodeApi.ServingChecks)]
    [TestCase("reached-target-cluster-size", ManagementNodeApi.TargetClusterSizeCheck)]
    public async Task Serving_checks_are_answered_without_credentials(string check, ManagementNodeApi since) =>
        await AssertCheckAsync(check, since, credentials: false);

    /// <summary>
    /// At the node's connection limit (<c>connection_max</c>; here <c>MaxConnections</c> 1) both connection checks fail:
    /// ready-to-serve-clients with the count of AMQP connections (rabbit_mgmt_wm_health_check_ready_to_serve_clients:check/0).
    /// </summary>
    [Test]
    [OwnBrokerOnly("the in-process broker's connection limit is 1")]
    public async Task Connection_checks_fail_at_the_node_connection_limit()
    {
        if (!Profile.NodeApi.HasFlag(ManagementNodeApi.ServingChecks))
        {
            AssertUnknownPath(await SendAsync(HttpMethod.Get, Checks + "below-node-connection-limit"));
            return;
        }

        await using (await CreateFactory().CreateConnectionAsync())
        {
            var below = await ExpectAsync(HttpStatusCode.ServiceUnavailable, HttpMethod.Get, Checks + "below-node-connection-limit", client: CreateClient(null));
            AssertBody(below, new JsonObject { ["status"] = "failed", ["reason"] = "node connection limit is reached" });
            var ready = await ExpectAsync(HttpStatusCode.ServiceUnavailable, HttpMethod.Get, Checks + "ready-to-serve-clients", client: CreateClient(null));
            AssertBody(ready, new JsonObject { ["status"] = "failed", ["reason"] = "node connection limit is reached", ["connections"] = 1 });
        }
    }

    /// <summary>
    /// rabbit_mgmt_wm_health_check_protocol_listener: one protocol until 4.1.0, answered by its normalised name (3.10.8:
    /// <c>amqp091</c> is <c>"protocol":"amqp"</c>, <c>mqtt</c> is missing); a comma-separated list from 4.1.1 (#13874),
    /// answered with the node's protocols, the missing ones as a list.
    /// </summary>
    [Test]
    public async Task Protocol_listener_takes_a_list_from_4_1_1()
    {
        if (!Profile.NodeApi.HasFlag(ManagementNodeApi.ServingChecks))
        {
            var one = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, Checks + "protocol-listener/AMQP091");
            AssertBody(one, new JsonObject { ["status"] = "ok", ["protocol"] = "amqp" });
            var missing = await ExpectAsync(HttpStatusCode.ServiceUnavailable, HttpMethod.Get, Checks + "protocol-listener/mqtt");
            Assert.That(missing.Json!["missing"]!.GetValue<string>(), Is.EqualTo("mqtt"));
            Assert.That(Names(missing.Json["protocols"]), Does.Contain("amqp").And.Contain("http"));
            return;
        }

        var ok = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, Checks + "protocol-listener/amqp091,management");
        Assert.That(ok.Json!["status"]!.GetValue<string>(), Is.EqualTo("ok"));
        Assert.That(Names(ok.Json["protocols"]), Does.Contain("amqp").And.Contain("http"));
        var failed = await ExpectAsync(HttpStatusCode.ServiceUnavailable, HttpMethod.Get, Checks + "protocol-listener/amqp,mqtt,stomp1.0");
        Assert.That(failed.Json!["reason"]!.GetValue<string>(), Is.EqualTo("No active listener"));
        Assert.That(Names(failed.Json["missing"]), Is.EquivalentTo(new[] { "mqtt", "stomp" }));
    }

    /// <summary>rabbit_mgmt_wm_version (from v4.0.5): the version as a JSON string, to anyone, never cached.</summary>
    [Test]
    public async Task Version_is_a_json_string_from_4_0_5()
    {
        var response = await SendAsync(HttpMethod.Get, "api/version", client: CreateClient(null));
        if (!Profile.NodeApi.HasFlag(ManagementNodeApi.Version))
        {
            AssertUnknownPath(response);
            return;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        Assert.That(response.Body, Is.EqualTo($"\"{Profile.ReportedVersion}\""));
        AssertNoCache(response);
    }

    /// <summary>
    /// rabbit_mgmt_wm_hash_password (v3.10.15 and v3.11.8 on; not in 3.10.8, checked): administrators get
    /// <c>{"ok": hash}</c>, a salted SHA-256 hash of the password as rabbit_password:hash makes them.
    /// </summary>
    [Test]
    public async Task Hash_password_answers_a_hash_of_the_password_to_administrators()
    {
        var response = await SendAsync(HttpMethod.Get, "api/auth/hash_password/s3cret%20pass");
        if (!Profile.NodeApi.HasFlag(ManagementNodeApi.HashPassword))
        {
            AssertUnknownPath(response);
            return;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        Assert.That(PasswordHasher.Verify("s3cret pass", response.Json!["ok"]!.GetValue<string>()), Is.True, response.Body);
        var (monitor, password) = await CreateUserAsync("monitoring");
        AssertError(await SendAsync(HttpMethod.Get, "api/auth/hash_password/x", client: CreateClient(monitor, password)), HttpStatusCode.Unauthorized, "not_authorised");
    }

    /// <summary>
    /// rabbit_mgmt_wm_rebalance_queues (every release): POST is 204 at once, varying on accept-encoding and origin only (it
    /// offers text/plain alone; RabbitMQ 3.10.8 checked with curl), other methods 405.
    /// </summary>
    [Test]
    public async Task Rebalancing_queues_is_accepted()
    {
        var response = await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/rebalance/queues");
        Assert.That(response.Headers.Vary.ToString(), Is.EqualTo("accept-encoding, origin"));
        await ExpectAsync(HttpStatusCode.MethodNotAllowed, HttpMethod.Get, "api/rebalance/queues");
    }

    /// <summary>
    /// rabbit_mgmt_wm_reset (every release): DELETE empties the statistics, so a queue's counts start again (RabbitMQ 3.10.8,
    /// checked with curl: its message_stats are gone until new activity; here they read 0).
    /// </summary>
    [Test]
    [OwnBrokerOnly("resetting the statistics of a shared RabbitMQ would disturb the suites running against it")]
    public async Task Reset_starts_message_statistics_afresh()
    {
        var queue = Track(UniqueName("reset"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/%2F/{queue}", new JsonObject { ["durable"] = false });
        var publish = new JsonObject { ["properties"] = new JsonObject(), ["routing_key"] = queue, ["payload"] = "x", ["payload_encoding"] = "string" };
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/exchanges/%2F/amq.default/publish", publish);
        Assert.That(Published(await GetJsonAsync($"api/queues/%2F/{queue}")), Is.EqualTo(1));

        var reset = await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, "api/reset");
        Assert.That(reset.Headers.Vary.ToString(), Is.EqualTo("accept-encoding, origin"));
        Assert.That(Published(await GetJsonAsync($"api/queues/%2F/{queue}")), Is.Zero);
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/reset/{Segment(await NodeAsync())}");
    }

    /// <summary>rabbit_mgmt_wm_reset:resource_exists/2: a node that is not a running cluster member is 404, as an unknown path.</summary>
    [Test]
    public async Task Reset_of_another_node_is_404() =>
        AssertUnknownPath(await SendAsync(HttpMethod.Delete, "api/reset/rabbit@no-such-node"));

    /// <summary>
    /// rabbit_mgmt_wm_node_memory (every release, monitoring): rabbit_vm:memory's categories, which changed with the releases
    /// (<c>metadata_store</c> from 3.13, no <c>queue_slave_procs</c> from 4.0), and as percentages of the resident set.
    /// </summary>
    [Test]
    public async Task Node_memory_has_the_release_categories()
    {
        var node = Segment(await NodeAsync());
        var memory = (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/nodes/{node}/memory")).Json!["memory"]!.AsObject();
        Assert.That(memory.Select(p => p.Key), Is.EquivalentTo(MemoryCategories().Append("strategy").Append("total")));
        Assert.That(memory["total"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "erlang", "rss", "allocated" }));
        Assert.That(memory["total"]!["rss"]!.GetValue<long>(), Is.Positive);

        var relative = (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/nodes/{node}/memory/relative")).Json!["memory"]!.AsObject();
        Assert.That(relative.First().Key, Is.EqualTo("total"));
        Assert.That(relative["total"]!.GetValue<int>(), Is.EqualTo(100));
        Assert.That(relative.Select(p => p.Key), Is.EquivalentTo(MemoryCategories().Append("total")));
        AssertUnknownPath(await SendAsync(HttpMethod.Get, "api/nodes/rabbit@no-such-node/memory"));
    }

    /// <summary>The categories of RabbitMQ 3.10.8's answer (checked with curl), as the releases changed them (rabbit_vm:memory).</summary>
    private IEnumerable<string> MemoryCategories()
    {
        string[] always =
        [
            "connection_readers", "connection_writers", "connection_channels", "connection_other", "queue_procs", "quorum_queue_procs",
            "quorum_queue_dlx_procs", "stream_queue_procs", "stream_queue_replica_reader_procs", "stream_queue_coordinator_procs",
            "plugins", "other_proc", "metrics", "mgmt_db", "mnesia", "quorum_ets", "other_ets", "binary", "msg_index", "code", "atom",
            "other_system", "allocated_unused", "reserved_unallocated",
        ];
        var mirrored = Profile.NodeApi.HasFlag(ManagementNodeApi.MirroredQueues) ? new[] { "queue_slave_procs" } : [];
        var metadata = Profile.NodeApi.HasFlag(ManagementNodeApi.MetadataStoreMemory) ? new[] { "metadata_store", "metadata_store_ets" } : [];
        return always.Concat(mirrored).Concat(metadata);
    }

    /// <summary>A check the release serves answers 200 <c>{"status":"ok"}</c>; one it does not is an unknown path.</summary>
    private async Task AssertCheckAsync(string check, ManagementNodeApi since, bool credentials)
    {
        var response = await SendAsync(HttpMethod.Get, Checks + check, client: credentials ? null : CreateClient(null));
        if (!Profile.NodeApi.HasFlag(since))
        {
            AssertUnknownPath(response);
            return;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        AssertBody(response, new JsonObject { ["status"] = "ok" });
        if (credentials)
        {
            Assert.That((await SendAsync(HttpMethod.Get, Checks + check, client: CreateClient(null))).Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        else
        {
            AssertNoCache(response);
        }
    }

    private async Task<string> NodeAsync() => (await GetJsonAsync("api/overview"))["node"]!.GetValue<string>();

    private static long Published(JsonNode queue) => queue["message_stats"]?["publish"]?.GetValue<long>() ?? 0;

    private static List<string> Names(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];

    private static void AssertBody(ApiResponse response, JsonObject expected) =>
        Assert.That(JsonNode.DeepEquals(response.Json, expected), Is.True, response.Body);

    /// <summary>rabbit_mgmt_headers:set_no_cache_headers' pragma, beside the cache-control every JSON answer has (its expires is a content header).</summary>
    private static void AssertNoCache(ApiResponse response)
    {
        Assert.That(response.Headers.Pragma.ToString(), Is.EqualTo("no-cache"));
        Assert.That(response.Headers.CacheControl?.NoCache, Is.True);
    }

    /// <summary>An unknown path, and a node that is not this one, are both 404 <c>Object Not Found</c>.</summary>
    private static void AssertUnknownPath(ApiResponse response) => AssertError(response, HttpStatusCode.NotFound, "Object Not Found", "Not Found");
}
