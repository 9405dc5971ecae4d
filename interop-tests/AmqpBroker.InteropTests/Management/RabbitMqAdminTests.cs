using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The real <c>rabbitmqadmin</c> CLI (shipped in RabbitMQ's management plugin; Debian's rabbitmq-server
/// package installs it) lists, declares, deletes, publishes and gets against our API unchanged. Ignored,
/// with the reason, when the script or python3 is not on this machine.
/// </summary>
public sealed class RabbitMqAdminTests : ManagementTestBase
{
    private string _python = "";
    private string _script = "";

    [OneTimeSetUp]
    public void LocateRabbitMqAdmin()
    {
        _python = FindOnPath("python3") ?? "";
        _script = FindScript() ?? "";
        if (_python.Length == 0 || _script.Length == 0)
        {
            Assert.Ignore($"rabbitmqadmin needs python3 ({(_python.Length > 0 ? _python : "not found")}) and the script ({(_script.Length > 0 ? _script : "not found")}); install Debian's rabbitmq-server package to get both");
        }
    }

    [Test]
    public async Task Declare_list_publish_get_and_delete_through_rabbitmqadmin()
    {
        var queue = Track(UniqueName());
        var exchange = TrackExchange(UniqueName("x"));
        await RunAsync("declare", "exchange", $"name={exchange}", "type=fanout", "durable=false");
        await RunAsync("declare", "queue", $"name={queue}", "durable=false");
        await RunAsync("declare", "binding", $"source={exchange}", $"destination={queue}");

        var queues = JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "queues"))!.AsArray();
        Assert.That(queues.Select(q => q!["name"]!.GetValue<string>()), Does.Contain(queue));
        var exchanges = JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "exchanges", "name", "type"))!.AsArray();
        Assert.That(exchanges.Single(e => e!["name"]!.GetValue<string>() == exchange)!["type"]!.GetValue<string>(), Is.EqualTo("fanout"));
        var bindings = JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "bindings"))!.AsArray();
        Assert.That(bindings.Any(b => b!["source"]!.GetValue<string>() == exchange && b["destination"]!.GetValue<string>() == queue), Is.True);

        var published = await RunAsync("publish", $"exchange={exchange}", "routing_key=any", "payload=hello from rabbitmqadmin");
        Assert.That(published, Does.Contain("Message published").And.Not.Contain("NOT routed"));
        var got = JsonNode.Parse(await RunAsync("-f", "raw_json", "get", $"queue={queue}", "ackmode=ack_requeue_false"))!.AsArray();
        Assert.That(got.Select(m => m!["payload"]!.GetValue<string>()), Is.EqualTo(new[] { "hello from rabbitmqadmin" }));

        await RunAsync("delete", "binding", $"source={exchange}", "destination_type=queue", $"destination={queue}");
        await RunAsync("delete", "queue", $"name={queue}");
        await RunAsync("delete", "exchange", $"name={exchange}");
        var after = JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "queues", "name"))!.AsArray();
        Assert.That(after.Select(q => q!["name"]!.GetValue<string>()), Does.Not.Contain(queue));
    }

    [Test]
    public async Task Purge_close_export_and_import_through_rabbitmqadmin()
    {
        var queue = Track(UniqueName());
        await RunAsync("declare", "queue", $"name={queue}", "durable=true");
        await RunAsync("publish", "exchange=amq.default", $"routing_key={queue}", "payload=x");
        await RunAsync("purge", "queue", $"name={queue}");
        await EventuallyJsonAsync($"api/queues/%2F/{Segment(queue)}", q => q["messages"]?.GetValue<long>() == 0, "the queue was purged");

        var file = Path.Combine(Path.GetTempPath(), $"amqpbroker-rabbitmqadmin-{Guid.NewGuid():N}.json");
        try
        {
            await RunAsync("export", file);
            var exported = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            Assert.That(exported["queues"]!.AsArray().Select(q => q!["name"]!.GetValue<string>()), Does.Contain(queue));

            await RunAsync("delete", "queue", $"name={queue}");
            await RunAsync("import", file);
            Assert.That((await GetJsonAsync($"api/queues/%2F/{Segment(queue)}"))["durable"]!.GetValue<bool>(), Is.True, "the import brought the queue back");
        }
        finally
        {
            File.Delete(file);
        }

        var connection = await ConnectAsync(f => f.ClientProvidedName = "rabbitmqadmin-close-" + Guid.NewGuid().ToString("N"));
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            closed.TrySetResult(args);
            return Task.CompletedTask;
        };
        var listed = await EventuallyJsonAsync("api/connections", list => list.AsArray().Any(c => c!["user_provided_name"]?.GetValue<string>() == connection.ClientProvidedName), "the connection is listed");
        var name = listed.AsArray().First(c => c!["user_provided_name"]?.GetValue<string>() == connection.ClientProvidedName)!["name"]!.GetValue<string>();
        await RunAsync("close", "connection", $"name={name}");
        Assert.That((await closed.Task.WaitAsync(Timeout)).ReplyCode, Is.EqualTo(320));
    }

    [Test]
    public async Task A_shovel_is_declared_listed_and_deleted_through_rabbitmqadmin()
    {
        var source = Track(UniqueName("shovel-in"));
        var destination = Track(UniqueName("shovel-out"));
        var shovel = UniqueName("shovel");
        await RunAsync("declare", "queue", $"name={source}", "durable=true");
        await RunAsync("declare", "queue", $"name={destination}", "durable=true");

        var value = $$"""{"src-uri": "amqp://", "src-queue": "{{source}}", "dest-uri": "amqp://", "dest-queue": "{{destination}}"}""";
        await RunAsync("declare", "parameter", "component=shovel", $"name={shovel}", $"value={value}");
        try
        {
            var parameters = JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "parameters"))!.AsArray();
            Assert.That(parameters.Any(p => p!["component"]!.GetValue<string>() == "shovel" && p["name"]!.GetValue<string>() == shovel), Is.True);
            await RunAsync("publish", "exchange=amq.default", $"routing_key={source}", "payload=moved by a shovel");
            await EventuallyJsonAsync($"api/queues/%2F/{Segment(destination)}", q => q["messages"]?.GetValue<long>() == 1, "the shovel moved the message");
        }
        finally
        {
            await RunAsync("delete", "parameter", "component=shovel", $"name={shovel}");
        }

        var after = JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "parameters"))!.AsArray();
        Assert.That(after.Any(p => p!["name"]!.GetValue<string>() == shovel), Is.False);
    }

    [Test]
    public async Task Show_overview_and_list_connections_vhosts_users_and_nodes()
    {
        var connection = await ConnectAsync(f => f.ClientProvidedName = "rabbitmqadmin-list-" + Guid.NewGuid().ToString("N"));
        var listed = await EventuallyJsonAsync("api/connections", list => list.AsArray().Any(c => c!["user_provided_name"]?.GetValue<string>() == connection.ClientProvidedName), "the connection is listed");
        var name = listed.AsArray().First(c => c!["user_provided_name"]?.GetValue<string>() == connection.ClientProvidedName)!["name"]!.GetValue<string>();
        var overview = JsonNode.Parse(await RunAsync("-f", "raw_json", "show", "overview"))!.AsArray()[0]!;
        Assert.That(overview["rabbitmq_version"]!.GetValue<string>(), Does.StartWith($"{Profile.Release}."));
        Assert.That(JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "connections"))!.AsArray().Select(c => c!["name"]!.GetValue<string>()), Does.Contain(name));
        Assert.That(JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "vhosts"))!.AsArray().Select(v => v!["name"]!.GetValue<string>()), Does.Contain("/"));
        Assert.That(JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "users"))!.AsArray().Select(u => u!["name"]!.GetValue<string>()), Does.Contain("guest"));
        Assert.That(JsonNode.Parse(await RunAsync("-f", "raw_json", "list", "nodes"))!.AsArray(), Has.Count.EqualTo(1));
    }

    private async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(_python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { _script, "-H", ManagementUri.Host, "-P", ManagementUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", "guest", "-p", "guest" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(deadline.Token);
        Assert.That(process.ExitCode, Is.Zero, $"rabbitmqadmin {string.Join(' ', arguments)}:{Environment.NewLine}{await output}{await error}");
        return await output;
    }

    /// <summary>The copy inside RabbitMQ's management plugin, or one installed on the PATH.</summary>
    private static string? FindScript()
    {
        const string PluginRoot = "/usr/lib/rabbitmq/lib";
        if (Directory.Exists(PluginRoot))
        {
            var inPlugin = Directory.EnumerateFiles(PluginRoot, "rabbitmqadmin", SearchOption.AllDirectories)
                .Where(p => p.Contains("rabbitmq_management", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .LastOrDefault();
            if (inPlugin is not null)
            {
                return inPlugin;
            }
        }

        return FindOnPath("rabbitmqadmin");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
