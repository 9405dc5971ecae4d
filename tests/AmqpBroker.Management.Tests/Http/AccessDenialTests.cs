using System.Net;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Management.Security;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>
/// How the API refuses a user what it may not see, per release: a vhost without a permission is 401
/// <c>not_authorised</c> up to 4.2.8 and 4.3.2, 404 <c>not_found</c> from 4.2.9 and 4.3.3, and from then on user limits
/// are read by administrators (all), monitoring users and their owner (one) only (release-notes/4.2.9.md, 4.3.3.md,
/// #16709; rabbit_web_dispatch_access_control:user_matches_vhost and rabbit_mgmt_wm_user_limits:is_authorized at
/// v4.2.9). Every route is walked, so a new vhost route is held to the rule too.
/// </summary>
[TestFixture("3.10")]
[TestFixture("4.1")]
[TestFixture("4.2")]
[TestFixture("4.3")]
public sealed class AccessDenialTests(string release)
{
    private readonly VersionProfile _profile = VersionProfile.For(RabbitMqRelease.Parse(release));
    private ApiTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await ApiTestServer.StartAsync(_profile);

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    /// <summary>
    /// RabbitMQ checks vhost access before anything else about the request (cowboy_rest's is_authorized), so every route
    /// the user's tag allows answers the same for a vhost it has no permission on, whatever the body. Before, a
    /// policymaker's routes name the object (is_authorized_policies; both checked against RabbitMQ 3.10.8).
    /// </summary>
    [TestCase("management")]
    [TestCase("policymaker")]
    public async Task Every_vhost_route_refuses_a_vhost_without_permission_as_the_release_does(string tag)
    {
        var access = tag == "policymaker" ? Access.Policymaker : Access.Management;
        using var http = _server.Client($"sweep-{tag}", ApiTestServer.Password);
        var (status, error, reason) = _profile.HttpApiRevealsLess
            ? (HttpStatusCode.NotFound, "not_found", "Not Found")
            : (HttpStatusCode.Unauthorized, "not_authorised", $"User not authorised to access {(tag == "policymaker" ? "object" : "virtual host")}");
        var failures = new List<string>();
        // The quorum leader checks name a vhost but authorise any management user (rabbit_mgmt_util:is_authorized/2 in
        // rabbit_mgmt_wm_health_check_quorum_queues_without_elected_leaders at v4.1.0 to v4.3.5).
        var routes = _server.Routes().Where(r => r.Access == access && r.Pattern.Contains("{vhost}", StringComparison.Ordinal)
            && !r.Pattern.StartsWith("/api/health/checks/quorum-queues-without-elected-leaders/", StringComparison.Ordinal)).ToList();
        foreach (var (method, pattern, _) in routes)
        {
            var path = ApiTestServer.Fill(pattern, -1, "");
            var answer = await SendAsync(http, method, path);
            if (answer != (status, error, reason))
            {
                failures.Add($"{method} {path}: {answer}");
            }
        }

        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures));
        Assert.That(routes.Select(r => $"{r.Method} {r.Pattern}"), Has.Member(tag == "policymaker" ? "PUT /api/policies/{vhost}/{name}" : "POST /api/queues/{vhost}/{queue}/get"));
    }

    [Test]
    public async Task A_monitoring_user_reads_the_limits_of_any_vhost()
    {
        using var http = _server.Client("sweep-monitoring", ApiTestServer.Password);

        Assert.That((await SendAsync(http, "GET", "api/vhost-limits/%2F")).Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("management", "api/user-limits", false, "Not administrator user")]
    [TestCase("monitoring", "api/user-limits", false, "Not administrator user")]
    [TestCase("guest", "api/user-limits", true, null)]
    [TestCase("management", "api/user-limits/sweep-management", true, null)]
    [TestCase("management", "api/user-limits/guest", false, "User not authorised to access object")]
    [TestCase("policymaker", "api/user-limits/sweep-management", false, "User not authorised to access object")]
    [TestCase("monitoring", "api/user-limits/guest", true, null)]
    public async Task User_limits_are_read_by_whom_the_release_lets(string user, string path, bool alwaysAllowed, string? reason)
    {
        using var http = user == "guest" ? _server.Client("guest", "guest") : _server.Client($"sweep-{user}", ApiTestServer.Password);

        var answer = await SendAsync(http, "GET", path);

        Assert.That(answer, Is.EqualTo(alwaysAllowed || !_profile.HttpApiRevealsLess
            ? (HttpStatusCode.OK, null, null)
            : (HttpStatusCode.Unauthorized, "not_authorised", reason)));
    }

    /// <summary>Another user's limits are refused before the user is looked up; a monitoring user learns it does not exist.</summary>
    [TestCase("management", false)]
    [TestCase("monitoring", true)]
    public async Task Limits_of_a_user_that_does_not_exist(string tag, bool toldNotFound)
    {
        using var http = _server.Client($"sweep-{tag}", ApiTestServer.Password);

        var (status, _, _) = await SendAsync(http, "GET", "api/user-limits/nosuch-user");

        Assert.That(status, Is.EqualTo(toldNotFound || !_profile.HttpApiRevealsLess ? HttpStatusCode.NotFound : HttpStatusCode.Unauthorized));
    }

    /// <summary>The status, and for an error its <c>error</c> and <c>reason</c>.</summary>
    private static async Task<(HttpStatusCode Status, string? Error, string? Reason)> SendAsync(HttpClient http, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PUT" or "POST")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        if (response.IsSuccessStatusCode)
        {
            return (response.StatusCode, null, null);
        }

        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.GetProperty("error").GetString(), body.RootElement.GetProperty("reason").GetString());
    }
}
