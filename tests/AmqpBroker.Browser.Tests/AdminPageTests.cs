using System.Text.Json.Nodes;
using AmqpBroker.Browser.Tests.Support;
using AmqpBroker.Core.Security;
using RabbitMQ.Client.Events;

namespace AmqpBroker.Browser.Tests;

/// <summary>Administration through the page: users, permissions, definitions, policies, closing a connection, and who may see what.</summary>
[TestFixture]
public sealed class AdminPageTests : BrowserTestBase
{
    [Test]
    public async Task An_administrator_creates_a_user_and_gives_it_a_permission_and_the_user_logs_in()
    {
        var name = Unique("operator");
        var page = await LoginAsync();
        await GoAsync(page, "#/users");
        var add = Section(page, "Add a user");
        await add.GetByLabel("Username").FillAsync(name);
        await add.GetByLabel("Password").FillAsync("s3cret");
        await add.GetByLabel("monitoring").CheckAsync();
        await add.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        await Assertions.Expect(add.Locator(".form-result")).ToHaveTextAsync($"User {name} added.");
        Assert.That(Broker.Broker.Users.Find(name)?.Tags, Is.EquivalentTo(new[] { "management", "monitoring" }));

        await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        var permissions = Section(page, "Permissions");
        await permissions.GetByLabel("Virtual host").SelectOptionAsync("/");
        await permissions.GetByLabel("Write regexp").FillAsync("^amq\\.topic$");
        await permissions.GetByRole(AriaRole.Button, new() { Name = "Set permission" }).ClickAsync();
        await Assertions.Expect(permissions.Locator("table tbody tr")).ToContainTextAsync("^amq\\.topic$");
        Assert.That(Broker.Broker.FindPermission(name, "/"), Is.EqualTo(new Permission(name, "/", ".*", "^amq\\.topic$", ".*")));

        var theirs = await LoginAsync(name, "s3cret");
        await Assertions.Expect(theirs.Locator("#whoami")).ToHaveTextAsync(name);
    }

    [Test]
    public async Task Definitions_are_exported_as_a_file_and_imported_from_one()
    {
        var (exported, imported) = (Unique("exported-q"), Unique("imported-q"));
        await using (var connection = await ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(exported, durable: true, exclusive: false, autoDelete: false);
        }

        var page = await LoginAsync();
        await GoAsync(page, "#/definitions");
        var export = Section(page, "Export definitions");
        var download = await page.RunAndWaitForDownloadAsync(() => export.GetByRole(AriaRole.Button, new() { Name = "Download definitions" }).ClickAsync());
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{Unique("definitions")}.json");
        await download.SaveAsAsync(file);
        var definitions = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        Assert.That(definitions["queues"]!.AsArray().Select(q => q!["name"]!.GetValue<string>()), Does.Contain(exported));

        var upload = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{imported}.json");
        await File.WriteAllTextAsync(upload, new JsonObject
        {
            ["queues"] = new JsonArray(new JsonObject
            {
                ["name"] = imported, ["vhost"] = "/", ["durable"] = true, ["auto_delete"] = false, ["arguments"] = new JsonObject { ["x-max-length"] = 10 },
            }),
        }.ToJsonString());
        var import = Section(page, "Import definitions");
        await import.GetByLabel("Definitions file (JSON)").SetInputFilesAsync(upload);
        await import.GetByRole(AriaRole.Button, new() { Name = "Upload definitions" }).ClickAsync();
        await Assertions.Expect(import.Locator(".form-result")).ToHaveTextAsync("Definitions imported.");
        Assert.That(Broker.Broker.FindVirtualHost("/")!.FindQueue(imported)?.Arguments.MaxLength, Is.EqualTo(10));
    }

    [Test]
    public async Task A_management_user_gets_403_on_admin_pages_and_sees_only_its_vhosts()
    {
        var (name, hidden) = (Unique("viewer"), Unique("hidden-vhost"));
        Broker.Broker.PutUser(new User(name, PasswordHasher.Hash("pw"), ["management"]));
        Broker.Broker.SetPermission(new Permission(name, "/", ".*", ".*", ".*"));
        Broker.Broker.AddVirtualHost(hidden);

        var page = await LoginAsync(name, "pw");
        await Assertions.Expect(page.Locator("#vhost-filter option")).ToHaveTextAsync(["All", "/"]);
        foreach (var adminPage in new[] { "#/users", "#/vhosts", "#/definitions", $"#/users/guest" })
        {
            await GoAsync(page, adminPage);
            await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("403 Forbidden");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Not administrator user");
        }

        // Policies are readable by management users, but only policymakers get the form.
        await GoAsync(page, "#/policies");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Policies");
        await Assertions.Expect(Section(page, "Add or update a policy")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task A_policy_is_validated_by_the_API_and_applied_to_the_queues_it_matches()
    {
        var (policy, queue) = (Unique("limit"), Unique("limited"));
        Broker.Broker.FindVirtualHost("/")!.DeclareQueue(new Core.Queues.QueueDefinition(queue, "/", false, false, false, Protocol.Encoding.FieldTable.Empty),
            new Core.ClientConnection("test", Broker.Broker.Users.Find("guest")!, "/", Protocol.Encoding.FieldTable.Empty, DateTimeOffset.UtcNow, _ => { }), passive: false);
        var page = await LoginAsync();
        await GoAsync(page, "#/policies");
        var form = Section(page, "Add or update a policy");
        await form.GetByLabel("Name").FillAsync(policy);
        await form.GetByLabel("Pattern (regular expression)").FillAsync($"^{queue}$");
        await form.GetByLabel("Definition key").FillAsync("max-length");
        await form.GetByLabel("Definition value").FillAsync("-5");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Assertions.Expect(form.Locator(".form-result")).ToContainTextAsync("Validation failed");

        await form.GetByLabel("Definition value").FillAsync("5");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Assertions.Expect(form.Locator(".form-result")).ToHaveTextAsync($"Policy {policy} saved.");
        await Assertions.Expect(page.Locator("main table tbody tr").Filter(new() { HasText = policy })).ToContainTextAsync("max-length: 5");
        Assert.That(Broker.Broker.FindVirtualHost("/")!.FindQueue(queue)!.PolicyName, Is.EqualTo(policy));
    }

    [Test]
    public async Task A_shovel_added_on_the_page_moves_messages_and_shows_its_state()
    {
        var (shovel, source, destination) = (Unique("shovel"), Unique("from"), Unique("to"));
        var host = Broker.Broker.FindVirtualHost("/")!;
        var owner = new Core.ClientConnection("test", Broker.Broker.Users.Find("guest")!, "/", Protocol.Encoding.FieldTable.Empty, DateTimeOffset.UtcNow, _ => { });
        foreach (var queue in new[] { source, destination })
        {
            host.DeclareQueue(new Core.Queues.QueueDefinition(queue, "/", true, false, false, Protocol.Encoding.FieldTable.Empty), owner, passive: false);
        }

        var page = await LoginAsync();
        await GoAsync(page, "#/shovels");
        var form = Section(page, "Add a shovel");
        await form.GetByLabel("Name").FillAsync(shovel);
        await form.GetByLabel("Source queue").FillAsync(source);
        await form.GetByLabel("Destination queue").FillAsync(destination);
        await form.GetByRole(AriaRole.Button, new() { Name = "Add shovel" }).ClickAsync();
        await Assertions.Expect(form.Locator(".form-result")).ToHaveTextAsync($"Shovel {shovel} added.");
        await Assertions.Expect(page.Locator("main table tbody tr").Filter(new() { HasText = shovel })).ToContainTextAsync("running", new() { Timeout = 15_000 });

        await using (var connection = await new ConnectionFactory { Uri = Broker.AmqpUri }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.BasicPublishAsync("", source, "through the shovel"u8.ToArray());
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (host.FindQueue(destination)!.ReadyCount == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.That(host.FindQueue(destination)!.ReadyCount, Is.EqualTo(1), "the shovel moved the message");
        Assert.That(Broker.Broker.Parameters.Find("shovel", "/", shovel), Is.Not.Null);
    }

    [Test]
    public async Task A_connection_is_closed_with_the_reason_the_operator_gives()
    {
        var connection = await new ConnectionFactory { Uri = Broker.AmqpUri, ClientProvidedName = Unique("doomed") }.CreateConnectionAsync();
        var closed = new TaskCompletionSource<ShutdownEventArgs>();
        connection.ConnectionShutdownAsync += (_, reason) => { closed.TrySetResult(reason); return Task.CompletedTask; };
        var page = await LoginAsync();
        await GoAsync(page, "#/connections");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex(connection.ClientProvidedName!) }).ClickAsync();
        var close = Section(page, "Close this connection");
        await close.GetByLabel("Reason").FillAsync("maintenance window");
        await close.GetByRole(AriaRole.Button, new() { Name = "Force close" }).ClickAsync();

        var reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((reason.ReplyCode, reason.ReplyText), Is.EqualTo(((ushort)320, "CONNECTION_FORCED - maintenance window")));
        await connection.DisposeAsync();
    }
}
