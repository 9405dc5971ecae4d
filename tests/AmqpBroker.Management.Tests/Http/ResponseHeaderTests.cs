using System.Net;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>
/// The headers RabbitMQ's management listener sends, per release (RabbitMQ 3.10.8 checked with curl): the default
/// <c>content_security_policy</c> of rabbitmq_management's Makefile on every answer, without <c>'unsafe-eval'</c> and
/// <c>'unsafe-inline'</c> from 4.3.4 (release-notes/4.3.4.md, #16916); <c>vary: accept, accept-encoding, origin</c> on
/// what a resource answers after authorising, <c>vary: origin</c> on everything else. And the <c>x-vhost</c> header where the path names no vhost (rabbit_mgmt_util:vhost at v3.10.8,
/// rabbit_web_dispatch_access_control:vhost at v3.13.0 and v4.2.9).
/// </summary>
[TestFixtureSource(nameof(Releases))]
public sealed class ResponseHeaderTests(string release)
{
    /// <summary>3.10 and 3.13 differ on an unknown x-vhost, 4.2 refuses a hidden vhost with 404, 4.3 has the strict policy.</summary>
    private static readonly string[] Releases = ["3.10", "3.13", "4.2", "4.3"];

    private const string Negotiated = "accept, accept-encoding, origin";

    private readonly VersionProfile _profile = VersionProfile.For(RabbitMqRelease.Parse(release));
    private ApiTestServer _server = null!;
    private HttpClient _guest = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await ApiTestServer.StartAsync(_profile);
        _guest = _server.Client("guest", "guest");
        using var created = await _guest.PutAsync("api/vhosts/headers", null);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _guest.Dispose();
        await _server.DisposeAsync();
    }

    [TestCase("api/overview", "guest", "guest", Negotiated)]
    [TestCase("api/queues/%2F/nonexistent", "guest", "guest", Negotiated)]
    [TestCase("api/overview", "guest", "wrong", "origin")]
    [TestCase("api/users", "sweep-management", ApiTestServer.Password, "origin")]
    [TestCase("api/nonexistent", "guest", "guest", "origin")]
    public async Task Every_answer_carries_the_releases_policy_and_varies_as_rabbitmq_does(string path, string user, string password, string vary)
    {
        using var http = _server.Client(user, password);

        using var response = await http.GetAsync(path);

        Assert.That(response.Headers.Vary.ToString(), Is.EqualTo(vary));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(
            release != "4.3"
                ? "script-src 'self' 'unsafe-eval' 'unsafe-inline'; object-src 'self'"
                : "script-src 'self'; object-src 'self'"));
    }

    /// <summary>The web page keeps its own policy, stricter than RabbitMQ's (it runs no inline or evaluated script).</summary>
    [Test]
    public async Task The_web_page_keeps_its_own_policy()
    {
        using var http = new HttpClient { BaseAddress = _server.Address };

        using var response = await http.GetAsync("");

        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.StartWith("default-src 'self';").And.Contain("object-src 'none'"));
    }

    /// <summary>
    /// A header naming no vhost: from 3.13 an unknown vhost, 404 (resource_exists); 3.10 took it unchecked, so an
    /// administrator lists nothing in it.
    /// </summary>
    [Test]
    public async Task A_vhost_header_naming_no_vhost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/queues");
        request.Headers.Add("x-vhost", "no-such-vhost");

        using var response = await _guest.SendAsync(request);

        Assert.That(((int)response.StatusCode, await response.Content.ReadAsStringAsync()), Is.EqualTo(_profile.VirtualHostHeaderMustExist
            ? (404, """{"error":"Object Not Found","reason":"Not Found"}""")
            : (200, "[]")));
    }

    /// <summary>
    /// Where the resource reads the header itself (rabbit_mgmt_wm_limits, rabbit_mgmt_wm_parameters, rabbit_mgmt_wm_definitions):
    /// from 3.13 404 (resource_exists) or the export's 400 <c>vhost_not_found</c>; 3.10 took the name unchecked and the
    /// handler crashes, Cowboy's bare 500 without the listener's headers (RabbitMQ 3.10.8 checked over a socket).
    /// rabbit_mgmt_wm_limits offers one media type, so its answers do not vary on accept.
    /// </summary>
    [TestCase("api/vhost-limits", 404, """{"error":"Object Not Found","reason":"Not Found"}""", "accept-encoding, origin")]
    [TestCase("api/parameters/shovel", 404, """{"error":"Object Not Found","reason":"Not Found"}""", Negotiated)]
    [TestCase("api/definitions", 400, """{"error":"bad_request","reason":"vhost_not_found"}""", Negotiated)]
    public async Task A_vhost_header_naming_no_vhost_where_the_resource_reads_it(string path, int status, string body, string vary)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-vhost", "no-such-vhost");

        using var response = await _guest.SendAsync(request);

        var expected = _profile.VirtualHostHeaderMustExist ? (status, body, true) : (500, "", false);
        Assert.That(((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Contains("Content-Security-Policy")), Is.EqualTo(expected));
        Assert.That(response.Headers.Vary.ToString(), Is.EqualTo(expected.Item3 ? vary : ""));
    }

    /// <summary>A vhost the user may not use is refused while authorising: vary origin, 401 or (from 4.2.9) 404 not_found.</summary>
    [Test]
    public async Task A_vhost_header_the_user_may_not_use_is_refused_before_negotiation()
    {
        using var http = _server.Client("sweep-management", ApiTestServer.Password);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/exchanges");
        request.Headers.Add("x-vhost", "headers");

        using var response = await http.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(_profile.HttpApiRevealsLess ? 404 : 401));
        Assert.That(response.Headers.Vary.ToString(), Is.EqualTo("origin"));
    }
}
