namespace AmqpBroker.InteropTests.Management;

/// <summary>HTTP Basic against the broker's users, and what each management tag allows, with RabbitMQ's 401s.</summary>
public sealed class AuthenticationTests : ManagementTestBase
{
    [Test]
    public async Task No_credentials_get_a_bare_401_challenge()
    {
        var response = await SendAsync(HttpMethod.Get, "api/overview", client: CreateClient(null));
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic"));
    }

    /// <summary>
    /// Wrong credentials: RabbitMQ 3.10.8 answers "Login failed" with the challenge (checked with curl); from 3.13 it is
    /// "Not_Authorized" (rabbit_web_dispatch_access_control:is_authorized at v3.13.0), without the challenge from 3.13.4.
    /// </summary>
    [TestCase("guest", "wrong")]
    [TestCase("nobody", "x")]
    public async Task Wrong_credentials_are_401_as_the_release_answers_them(string user, string password)
    {
        var response = await SendAsync(HttpMethod.Get, "api/whoami", client: CreateClient(user == "nobody" ? UniqueName(user) : user, password));
        var notAuthorized = Profile.ApiLoginFailureIsNotAuthorized;
        AssertError(response, HttpStatusCode.Unauthorized, "not_authorized", notAuthorized ? "Not_Authorized" : "Login failed");
        Assert.That(response.Headers.WwwAuthenticate, notAuthorized ? Is.Empty : Is.Not.Empty);
    }

    [Test]
    public async Task A_user_without_management_tags_may_not_use_the_API()
    {
        var (name, password) = await CreateUserAsync("");
        var response = await SendAsync(HttpMethod.Get, "api/whoami", client: CreateClient(name, password));
        AssertError(response, HttpStatusCode.Unauthorized, "not_authorised", "Not management user");
        Assert.That(response.Headers.WwwAuthenticate, Is.Empty, "only a failed login challenges");
    }

    [Test]
    public async Task A_management_user_sees_its_own_things_but_not_users_nodes_or_definitions()
    {
        var (name, password) = await CreateUserAsync("management");
        var client = CreateClient(name, password);

        var whoami = await GetJsonAsync("api/whoami", client);
        Assert.That(whoami["tags"]!.AsArray().Select(t => t!.GetValue<string>()), Is.EqualTo(new[] { "management" }));
        await GetJsonAsync("api/overview", client);
        await GetJsonAsync("api/queues", client);
        AssertError(await SendAsync(HttpMethod.Get, "api/users", client: client), HttpStatusCode.Unauthorized, "not_authorised", "Not administrator user");
        AssertError(await SendAsync(HttpMethod.Get, "api/nodes", client: client), HttpStatusCode.Unauthorized, "not_authorised", "Not monitor user");
        AssertError(await SendAsync(HttpMethod.Get, "api/definitions", client: client), HttpStatusCode.Unauthorized, "not_authorised", "Not administrator user");
        AssertError(await SendAsync(HttpMethod.Put, "api/vhosts/" + UniqueName("vh"), "{}", client), HttpStatusCode.Unauthorized, "not_authorised", "Not administrator user");
    }

    [Test]
    public async Task A_management_user_sees_only_its_own_connections_and_a_monitoring_user_sees_all()
    {
        await ConnectAsync();
        var (managementName, managementPassword) = await CreateUserAsync("management");
        var (monitorName, monitorPassword) = await CreateUserAsync("monitoring");
        await EventuallyJsonAsync("api/connections", c => c.AsArray().Any(connection => connection!["user"]!.GetValue<string>() == "guest"), "guest's connection is listed");

        var seenByManagement = (await GetJsonAsync("api/connections", CreateClient(managementName, managementPassword))).AsArray();
        Assert.That(seenByManagement.Select(c => c!["user"]!.GetValue<string>()), Has.None.EqualTo("guest"));

        var seenByMonitor = (await GetJsonAsync("api/connections", CreateClient(monitorName, monitorPassword))).AsArray();
        Assert.That(seenByMonitor.Select(c => c!["user"]!.GetValue<string>()), Has.Some.EqualTo("guest"));
        await GetJsonAsync("api/nodes", CreateClient(monitorName, monitorPassword));
    }

    /// <summary>What a vhost without permission answers, per release, is VirtualHostDenialTests'.</summary>
    [Test]
    public async Task A_user_without_permissions_is_listed_no_vhosts()
    {
        var (name, password) = await CreateUserAsync("management", permissions: false);
        var visible = (await GetJsonAsync("api/vhosts", CreateClient(name, password))).AsArray();
        Assert.That(visible, Is.Empty, "vhosts without permissions are not listed");
    }
}
