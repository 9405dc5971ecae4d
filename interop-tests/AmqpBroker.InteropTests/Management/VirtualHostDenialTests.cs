using System.Globalization;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// What the API answers about a vhost the user has no permission on, and who may read user limits. RabbitMQ 4.2.9 and
/// 4.3.3 reveal less (release-notes/4.2.9.md and 4.3.3.md, Management Plugin: "HTTP API error responses were refactored
/// to be more consistent and expose fewer internal details", #16709): such a vhost is 404
/// <c>{"error":"not_found","reason":"Not Found"}</c> instead of 401 (rabbit_web_dispatch_access_control:user_matches_vhost
/// at v4.2.9; rabbit_mgmt_http_SUITE's permissions_vhost_test, get_fail_test, publish_fail_test, vhost_limits_list_test
/// and policy_permissions_test), every user's limits are listed to administrators only and one user's are shown to
/// monitoring users and that user (rabbit_mgmt_wm_user_limits:is_authorized; user_limits_list_test). 3.10 (checked
/// against RabbitMQ 3.10.8) and 4.1 answer 401 as before.
/// </summary>
[Releases("3.10", "4.1", "4.2", "4.3")]
public sealed class VirtualHostDenialTests : ManagementTestBase
{
    private const string VirtualHostReason = "User not authorised to access virtual host";
    private const string ObjectReason = "User not authorised to access object";

    [TestCase("GET", "api/exchanges/{0}")]
    [TestCase("GET", "api/exchanges/{0}/amq.direct")]
    [TestCase("GET", "api/queues/{0}")]
    [TestCase("GET", "api/queues/{0}/q")]
    [TestCase("POST", "api/queues/{0}/q/get", """{"count":1,"ackmode":"ack_requeue_true","encoding":"auto"}""")]
    [TestCase("POST", "api/exchanges/{0}/amq.default/publish", """{"routing_key":"q","payload":"x","payload_encoding":"string","properties":{}}""")]
    [TestCase("GET", "api/bindings/{0}")]
    [TestCase("GET", "api/vhosts/{0}/connections")]
    [TestCase("GET", "api/vhost-limits/{0}")]
    [TestCase("GET", "api/policies/{0}")]
    public async Task A_management_user_is_refused_a_vhost_without_permission(string method, string path, string? body = null)
    {
        var virtualHost = await VirtualHostWithQueueAsync("denied");
        var (user, password) = await CreateUserAsync("management");

        var response = await SendAsync(new HttpMethod(method), string.Format(CultureInfo.InvariantCulture, path, Segment(virtualHost)), body, CreateClient(user, password));

        AssertRefused(response, VirtualHostReason);
    }

    /// <summary>
    /// The <c>x-vhost</c> header scopes a listing whose path names no vhost, and is refused as a vhost in the path is
    /// (rabbit_mgmt_util:is_authorized_vhost, user_matches_vhost). One that names no vhost was taken unchecked until
    /// 3.10, so refused to anyone but an administrator; from 3.13 it is an unknown vhost (rabbit_web_dispatch_access_control:vhost).
    /// </summary>
    [TestCase("api/queues")]
    [TestCase("api/exchanges")]
    public async Task A_management_user_is_refused_the_vhost_its_x_vhost_header_names(string path)
    {
        var virtualHost = await VirtualHostWithQueueAsync("denied");
        var (user, password) = await CreateUserAsync("management");
        var client = CreateClient(user, password);

        AssertRefused(await SendAsync(HttpMethod.Get, path, client: client, configure: request => request.Headers.Add("x-vhost", virtualHost)), VirtualHostReason);
        var unknown = await SendAsync(HttpMethod.Get, path, client: client, configure: request => request.Headers.Add("x-vhost", UniqueName("nowhere")));
        if (Profile.VirtualHostHeaderMustExist)
        {
            AssertError(unknown, HttpStatusCode.NotFound, "Object Not Found", "Not Found");
        }
        else
        {
            AssertRefused(unknown, VirtualHostReason);
        }
    }

    /// <summary>
    /// Policies and parameters take policymaker: without it the answer stays 401 naming the object; a policymaker
    /// without a permission on the vhost gets what the release answers for the vhost (rabbit_web_dispatch_access_control:is_authorized_policies).
    /// </summary>
    [TestCase("policymaker")]
    [TestCase("management")]
    [TestCase("monitoring")]
    public async Task Policies_and_parameters_of_a_vhost_without_permission(string tag)
    {
        var virtualHost = Segment(await VirtualHostWithQueueAsync("denied"));
        var (user, password) = await CreateUserAsync(tag);
        var client = CreateClient(user, password);
        var policy = new JsonObject { ["pattern"] = "^nothing$", ["definition"] = new JsonObject { ["max-length"] = 1 } };

        foreach (var (method, path, body) in new (HttpMethod, string, JsonObject?)[]
        {
            (HttpMethod.Get, $"api/policies/{virtualHost}/p", null),
            (HttpMethod.Put, $"api/policies/{virtualHost}/p", policy),
            (HttpMethod.Get, $"api/parameters/shovel/{virtualHost}/s", null),
            (HttpMethod.Put, $"api/parameters/shovel/{virtualHost}/s", new JsonObject { ["value"] = new JsonObject() }),
        })
        {
            var response = await SendAsync(method, path, body, client);
            if (tag == "policymaker")
            {
                AssertRefused(response, ObjectReason);
            }
            else
            {
                AssertError(response, HttpStatusCode.Unauthorized, "not_authorised", ObjectReason);
            }
        }
    }

    /// <summary>Monitoring users read every vhost's limits, with a permission on it or not (is_authorized_vhost_visible).</summary>
    [Test]
    public async Task A_monitoring_user_reads_the_limits_of_a_vhost_without_permission()
    {
        var virtualHost = await VirtualHostWithQueueAsync("denied");
        var (user, password) = await CreateUserAsync("monitoring");

        Assert.That((await GetJsonAsync($"api/vhost-limits/{Segment(virtualHost)}", CreateClient(user, password))).AsArray(), Is.Empty);
    }

    [Test]
    public async Task User_limits_are_listed_to_administrators_and_shown_to_monitoring_users_and_their_owner()
    {
        var (first, firstPassword) = await CreateUserAsync("management");
        var (second, _) = await CreateUserAsync("management");
        var (monitor, monitorPassword) = await CreateUserAsync("monitoring");
        var (asFirst, asMonitor) = (CreateClient(first, firstPassword), CreateClient(monitor, monitorPassword));

        await GetJsonAsync("api/user-limits");
        await GetJsonAsync($"api/user-limits/{Segment(first)}", asFirst);
        await GetJsonAsync($"api/user-limits/{Segment(second)}", asMonitor);
        var refused = new[]
        {
            (await SendAsync(HttpMethod.Get, "api/user-limits", client: asFirst), "Not administrator user"),
            (await SendAsync(HttpMethod.Get, "api/user-limits", client: asMonitor), "Not administrator user"),
            (await SendAsync(HttpMethod.Get, $"api/user-limits/{Segment(second)}", client: asFirst), ObjectReason),
        };

        foreach (var (response, reason) in refused)
        {
            if (Profile.HttpApiRevealsLess)
            {
                AssertError(response, HttpStatusCode.Unauthorized, "not_authorised", reason);
            }
            else
            {
                Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
            }
        }
    }

    /// <summary>The release's refusal of a vhost: 404 not_found where it reveals less, else 401 with <paramref name="reason"/>.</summary>
    private void AssertRefused(ApiResponse response, string reason)
    {
        if (Profile.HttpApiRevealsLess)
        {
            AssertError(response, HttpStatusCode.NotFound, "not_found", "Not Found");
            Assert.That(response.Json!["reason"]!.GetValue<string>(), Is.EqualTo("Not Found"), "nothing more is revealed");
        }
        else
        {
            AssertError(response, HttpStatusCode.Unauthorized, "not_authorised", reason);
        }
    }
}
