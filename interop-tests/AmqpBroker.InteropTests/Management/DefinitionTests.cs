using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// /api/definitions: a file exported from RabbitMQ 3.10.8 (Fixtures/, made on Debian's rabbitmq-server
/// with users, a vhost, permissions, policies, queues, exchanges and bindings) imports and works; our
/// export imports back into a fresh broker unchanged; the per-vhost forms; refusals.
/// </summary>
[TestFixture]
[OwnBrokerOnly("imports a fixed file and checks the whole broker: needs a broker of its own")]
public sealed class DefinitionTests : ManagementTestBase
{
    private static readonly string RabbitMqExport = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Management", "Fixtures", "rabbitmq-3.10.8-definitions.json"));

    [Test]
    public async Task A_RabbitMQ_export_imports_and_its_users_policies_and_topology_work()
    {
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", RabbitMqExport);

        // Users with RabbitMQ's password hashes log in; tags and permissions are as exported.
        var admin = CreateClient("defs-admin", "admin-secret");
        Assert.That((await GetJsonAsync("api/whoami", admin))["tags"]!.AsArray().Select(t => t!.GetValue<string>()), Is.EqualTo(new[] { "administrator" }));
        var app = await GetJsonAsync("api/users/defs-app");
        Assert.That(app["tags"]!.AsArray().Select(t => t!.GetValue<string>()), Is.EqualTo(new[] { "management", "policymaker" }));
        AssertError(await SendAsync(HttpMethod.Get, "api/whoami", client: CreateClient("defs-nologin", "")), HttpStatusCode.Unauthorized, "not_authorized");
        var permission = await GetJsonAsync("api/permissions/defs-app/defs-app");
        Assert.That((permission["configure"]!.GetValue<string>(), permission["write"]!.GetValue<string>(), permission["read"]!.GetValue<string>()),
            Is.EqualTo(("^app\\.", "^app\\.|^amq\\.default$", "^app\\.")));

        // Queues, exchanges and bindings exist, and the policies apply to them.
        var orders = await GetJsonAsync("api/queues/defs-app/app.orders");
        Assert.That(orders["durable"]!.GetValue<bool>(), Is.True);
        Assert.That(orders["arguments"]!["x-max-priority"]!.GetValue<long>(), Is.EqualTo(10));
        Assert.That(orders["policy"]!.GetValue<string>(), Is.EqualTo("app-dlx"));
        Assert.That(orders["effective_policy_definition"]!["dead-letter-exchange"]!.GetValue<string>(), Is.EqualTo("app.dlx"));
        Assert.That((await GetJsonAsync("api/queues/defs-app/app.ttl.cache"))["policy"]!.GetValue<string>(), Is.EqualTo("app-ttl"));
        var audit = await GetJsonAsync("api/exchanges/defs-app/app.audit");
        Assert.That((audit["type"]!.GetValue<string>(), audit["internal"]!.GetValue<bool>()), Is.EqualTo(("headers", true)));
        Assert.That((await GetJsonAsync("api/exchanges/defs-app/app.events"))["policy"]!.GetValue<string>(), Is.EqualTo("app-ae"));
        var headersBinding = (await GetJsonAsync("api/bindings/defs-app/e/app.audit/q/app.audit-log")).AsArray().Single()!;
        Assert.That(headersBinding["arguments"]!["x-match"]!.GetValue<string>(), Is.EqualTo("any"));
        Assert.That((await GetJsonAsync("api/policies/defs-app")).AsArray().Select(p => p!["name"]!.GetValue<string>()), Is.EquivalentTo(new[] { "app-ae", "app-dlx", "app-ttl" }));

        // Messages flow through the imported topology as the imported user, with the outcomes RabbitMQ 3.10 gives.
        var factory = CreateFactory();
        factory.Uri = new Uri($"amqp://defs-app:app-secret@{AmqpUri.Host}:{AmqpUri.Port}/defs-app");
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var audited = new BasicProperties { Headers = new Dictionary<string, object?> { ["kind"] = "audit" } };
        await channel.BasicPublishAsync("app.events", "order.created", mandatory: false, audited, Encoding.UTF8.GetBytes("order"));
        await channel.BasicPublishAsync("app.transient", "nothing", Encoding.UTF8.GetBytes("unrouted"));
        Assert.That(Text((await NextAsync(channel, "app.orders")).Body), Is.EqualTo("order"));
        Assert.That(Text((await NextAsync(channel, "app.audit-log")).Body), Is.EqualTo("order"), "e2e binding, then the headers binding with x-match any");
        Assert.That(Text((await NextAsync(channel, "app.unrouted-q")).Body), Is.EqualTo("unrouted"), "the alternate-exchange argument");

        // The imported dead-letter policy applies to app.orders.
        await channel.BasicPublishAsync("app.events", "order.rejected", Encoding.UTF8.GetBytes("to-dlx"));
        var rejected = await NextAsync(channel, "app.orders", autoAck: false);
        await channel.BasicRejectAsync(rejected.DeliveryTag, requeue: false);
        var dead = await NextAsync(channel, "app.dead");
        Assert.That((Text(dead.Body), dead.RoutingKey), Is.EqualTo(("to-dlx", "dead")), "policy's dead-letter-exchange and routing key");

        // Importing the same file again changes nothing and still succeeds.
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", RabbitMqExport);
    }

    [Test]
    public async Task Our_export_imports_into_a_fresh_broker_and_exports_the_same()
    {
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", RabbitMqExport);
        var exported = await GetJsonAsync("api/definitions");
        Assert.That(exported["rabbit_version"]!.GetValue<string>(), Does.StartWith("3."));
        Assert.That(exported["queues"]!.AsArray().Select(q => q!["name"]!.GetValue<string>()), Is.SupersetOf(new[] { "app.orders", "app.dead", "defs-root" }));

        await using var fresh = await BrokerHost.StartAsync(new BrokerOptions { Port = 0, ManagementPort = 0, Bind = "127.0.0.1", InMemory = true, RabbitMQVersion = RabbitMQVersion });
        using var client = new HttpClient { BaseAddress = fresh.ManagementUri, Timeout = Timeout };
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("guest:guest"u8));
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", exported.ToJsonString(), client);
        var again = await GetJsonAsync("api/definitions", client);

        foreach (var section in new[] { "users", "vhosts", "permissions", "policies", "queues", "exchanges", "bindings" })
        {
            Assert.That(again[section]!.ToJsonString(), Is.EqualTo(exported[section]!.ToJsonString()), section);
        }
    }

    /// <summary>
    /// 3.10.8's per-vhost export: queues, exchanges and bindings without their vhost, policies and parameters with it
    /// (see DefinitionExportFormatTests for the other releases); imported elsewhere, the entries' vhost is the target's.
    /// </summary>
    [Test]
    public async Task One_vhost_exports_and_imports_into_another()
    {
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", RabbitMqExport);
        var exported = await GetJsonAsync("api/definitions/defs-app");
        Assert.That(exported.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "rabbit_version", "parameters", "policies", "queues", "exchanges", "bindings" }));
        Assert.That(exported["queues"]!.AsArray().All(q => q!["vhost"] is null), Is.True);

        var copy = TrackVirtualHost(UniqueName("copy"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(copy)}", "{}");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/definitions/{Segment(copy)}", exported.ToJsonString());
        var copied = await GetJsonAsync($"api/definitions/{Segment(copy)}");
        Assert.That(copied.ToJsonString(), Is.EqualTo(exported.ToJsonString().Replace("\"vhost\":\"defs-app\"", $"\"vhost\":\"{copy}\"", StringComparison.Ordinal)));
    }

    [Test]
    public async Task Sections_without_a_counterpart_here_are_refused_before_anything_is_applied()
    {
        var file = JsonNode.Parse(RabbitMqExport)!;
        file["parameters"] = new JsonArray(new JsonObject { ["vhost"] = "/", ["component"] = "federation-upstream", ["name"] = "up", ["value"] = new JsonObject { ["uri"] = "amqp://elsewhere" } });
        file["vhosts"]!.AsArray().Add(new JsonObject { ["name"] = "must-not-appear" });
        AssertError(await SendAsync(HttpMethod.Post, "api/definitions", file.ToJsonString()), HttpStatusCode.BadRequest, "bad_request", "component federation-upstream not found");
        AssertError(await SendAsync(HttpMethod.Get, "api/vhosts/must-not-appear"), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Malformed_files_are_400_with_a_reason()
    {
        AssertError(await SendAsync(HttpMethod.Post, "api/definitions", "{bad"), HttpStatusCode.BadRequest, "bad_request", "not_json");
        AssertError(await SendAsync(HttpMethod.Post, "api/definitions", """{"queues":5}"""), HttpStatusCode.BadRequest, "bad_request", "'queues'");
        AssertError(await SendAsync(HttpMethod.Post, "api/definitions", """{"queues":[{"name":"q","vhost":"no-such-vhost"}]}"""), HttpStatusCode.BadRequest, "bad_request", "no_such_vhost");
        AssertError(await SendAsync(HttpMethod.Post, "api/definitions", """{"users":[{"name":"u","password_hash":"x","tags":[]}]}"""), HttpStatusCode.BadRequest, "bad_request", "not_base64");
        AssertError(await SendAsync(HttpMethod.Post, "api/definitions", """{"permissions":[{"user":"nosuch","vhost":"/","configure":"","write":"","read":""}]}"""),
            HttpStatusCode.BadRequest, "bad_request", "no_such_user");
    }

    [Test]
    public async Task Imported_definitions_survive_a_restart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"amqpbroker-defs-{Guid.NewGuid():N}");
        try
        {
            var options = new BrokerOptions { Port = 0, ManagementPort = 0, Bind = "127.0.0.1", DataDir = dataDirectory };
            await using (var first = await BrokerHost.StartAsync(options))
            {
                using var client = Client(first);
                await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", RabbitMqExport, client);
            }

            await using var second = await BrokerHost.StartAsync(options);
            using var after = Client(second);
            var orders = await GetJsonAsync("api/queues/defs-app/app.orders", after);
            Assert.That(orders["policy"]!.GetValue<string>(), Is.EqualTo("app-dlx"));
            await GetJsonAsync("api/whoami", CreateClientFor(second, "defs-admin", "admin-secret"));
            Assert.That((await GetJsonAsync("api/bindings/defs-app/e/app.events/q/app.orders", after)).AsArray(), Has.Count.EqualTo(1));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private HttpClient Client(BrokerHost host) => CreateClientFor(host, "guest", "guest");

    private HttpClient CreateClientFor(BrokerHost host, string user, string password)
    {
        var client = CreateClient(user, password);
        client.BaseAddress = host.ManagementUri;
        return client;
    }

    private static async Task<BasicGetResult> NextAsync(IChannel channel, string queue, bool autoAck = true)
    {
        BasicGetResult? result = null;
        Assert.That(await EventuallyAsync(async () => (result = await channel.BasicGetAsync(queue, autoAck)) is not null), Is.True, $"a message in {queue}");
        return result!;
    }
}
