namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The <c>x-vhost</c> request header, which RabbitMQ's management UI sends with the vhost it has selected: where the path
/// names no vhost, the header's vhost scopes a listing as if the path named it (rabbit_mgmt_util:vhost and
/// all_or_one_vhost at v3.10.8; checked with curl against RabbitMQ 3.10.8); empty, it means every vhost. Its value is
/// taken as it is, not percent-decoded. A header naming no vhost was taken unchecked until 3.10 (an administrator lists
/// nothing in it) and is an unknown vhost, 404, from 3.13 (rabbit_web_dispatch_access_control:vhost at v3.13.0).
/// /api/definitions, /api/vhost-limits and /api/parameters/{component} read it themselves (rabbit_mgmt_wm_definitions,
/// rabbit_mgmt_wm_limits:limits/2, rabbit_mgmt_wm_parameters:basic/1 from v3.10.8 to v4.3.5), and on a name that is no
/// vhost 3.10's handlers crash: Cowboy's bare 500.
/// </summary>
[Releases("3.10", "3.13", "4.2")]
public sealed class VirtualHostHeaderTests : ManagementTestBase
{
    /// <summary>A value naming no vhost: the header is not percent-decoded.</summary>
    private const string NoVirtualHost = "%2F";

    [TestCase("api/queues")]
    [TestCase("api/exchanges")]
    [TestCase("api/bindings")]
    public async Task A_listing_without_a_vhost_in_its_path_covers_the_headers_vhost(string path)
    {
        var virtualHost = await VirtualHostWithQueueAsync("xvhost");

        var items = await ListAsync(path, virtualHost);

        Assert.That(items.Select(item => item!["vhost"]!.GetValue<string>()).Distinct(), Is.EqualTo(new[] { virtualHost }));
    }

    [Test]
    public async Task An_empty_header_or_a_vhost_in_the_path_wins()
    {
        var virtualHost = await VirtualHostWithQueueAsync("xvhost");

        var all = await ListAsync("api/queues?columns=vhost", "");
        var root = await ListAsync("api/queues/%2F?columns=vhost", virtualHost);

        Assert.That(all.Select(item => item!["vhost"]!.GetValue<string>()), Has.Member(virtualHost));
        Assert.That(root.Select(item => item!["vhost"]!.GetValue<string>()), Has.All.EqualTo("/"));
    }

    [Test]
    public async Task A_header_naming_no_vhost_is_empty_for_administrators_until_3_13_then_an_unknown_vhost()
    {
        var response = await SendAsync(HttpMethod.Get, "api/queues", configure: WithHeader(NoVirtualHost));

        if (Profile.VirtualHostHeaderMustExist)
        {
            AssertError(response, HttpStatusCode.NotFound, "Object Not Found", "Not Found");
        }
        else
        {
            Assert.That((response.Status, response.Body), Is.EqualTo((HttpStatusCode.OK, "[]")));
        }
    }

    [Test]
    public async Task The_vhost_limits_and_one_components_parameters_cover_the_headers_vhost()
    {
        var virtualHost = await VirtualHostWithQueueAsync("xvlimits");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/vhost-limits/{Segment(virtualHost)}/max-queues", new JsonObject { ["value"] = 10 });
        var uri = $"amqp:///{Segment(virtualHost)}";
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/parameters/shovel/{Segment(virtualHost)}/s",
            new JsonObject { ["value"] = new JsonObject { ["src-uri"] = uri, ["src-queue"] = "q", ["dest-uri"] = uri, ["dest-queue"] = "q" } });

        var limits = await ListAsync("api/vhost-limits", virtualHost);
        var shovels = await ListAsync("api/parameters/shovel", virtualHost);

        Assert.That(limits.ToJsonString(), Is.EqualTo($$$"""[{"vhost":"{{{virtualHost}}}","value":{"max-queues":10}}]"""));
        Assert.That(shovels.Select(p => (p!["vhost"]!.GetValue<string>(), p["name"]!.GetValue<string>())), Is.EqualTo(new[] { (virtualHost, "s") }));
    }

    [Test]
    public async Task The_definitions_of_the_headers_vhost_are_exported_and_imported()
    {
        var virtualHost = await VirtualHostWithQueueAsync("xvdefs");
        var queue = new JsonObject { ["queues"] = new JsonArray(new JsonObject { ["name"] = "q2", ["durable"] = true, ["auto_delete"] = false, ["arguments"] = new JsonObject() }) };

        var export = await SendAsync(HttpMethod.Get, "api/definitions", configure: WithHeader(virtualHost));
        var import = await SendAsync(HttpMethod.Post, "api/definitions", queue, configure: WithHeader(virtualHost));

        Assert.That((export.Status, import.Status), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.NoContent)), export.Body + import.Body);
        Assert.That(export.Json!["users"], Is.Null, "one vhost's definitions");
        Assert.That(export.Json["queues"]!.AsArray().Select(q => q!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "q" }));
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/queues/{Segment(virtualHost)}/q2");
    }

    [TestCase("api/vhost-limits", HttpStatusCode.NotFound, "Object Not Found")]
    [TestCase("api/parameters/shovel", HttpStatusCode.NotFound, "Object Not Found")]
    [TestCase("api/definitions", HttpStatusCode.BadRequest, "bad_request")]
    public async Task Where_the_resource_reads_a_header_naming_no_vhost_3_10_crashes(string path, HttpStatusCode status, string error)
    {
        var response = await SendAsync(HttpMethod.Get, path, configure: WithHeader(NoVirtualHost));

        if (Profile.VirtualHostHeaderMustExist)
        {
            AssertError(response, status, error, path == "api/definitions" ? "vhost_not_found" : "Not Found");
            return;
        }

        Assert.That((response.Status, response.Body, response.Headers.Contains("Content-Security-Policy"), response.Headers.Vary.Count),
            Is.EqualTo((HttpStatusCode.InternalServerError, "", false, 0)), "Cowboy's bare 500");
    }

    /// <summary>3.10 imports into the vhost unchecked: anything to create there stops it (rabbit_definitions:format/1).</summary>
    [Test]
    public async Task An_import_into_a_header_naming_no_vhost()
    {
        var queue = """{"queues":[{"name":"q","durable":true,"auto_delete":false,"arguments":{}}]}""";

        var withQueue = await SendAsync(HttpMethod.Post, "api/definitions", queue, configure: WithHeader(NoVirtualHost));
        var empty = await SendAsync(HttpMethod.Post, "api/definitions", "{}", configure: WithHeader(NoVirtualHost));

        if (Profile.VirtualHostHeaderMustExist)
        {
            AssertError(withQueue, HttpStatusCode.NotFound, "not_found", "vhost_not_found");
            AssertError(empty, HttpStatusCode.NotFound, "not_found", "vhost_not_found");
        }
        else
        {
            AssertError(withQueue, HttpStatusCode.BadRequest, "bad_request", $"Please create virtual host \"{NoVirtualHost}\" prior to importing definitions.");
            Assert.That(empty.Status, Is.EqualTo(HttpStatusCode.NoContent));
        }
    }

    private static Action<HttpRequestMessage> WithHeader(string virtualHost) => request => request.Headers.Add("x-vhost", virtualHost);

    private async Task<JsonArray> ListAsync(string path, string virtualHost)
    {
        var response = await SendAsync(HttpMethod.Get, path, configure: WithHeader(virtualHost));
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        return response.Json!.AsArray();
    }
}
