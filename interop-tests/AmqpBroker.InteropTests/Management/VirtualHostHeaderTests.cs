namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The <c>x-vhost</c> request header, which RabbitMQ's management UI sends with the vhost it has selected: where the path
/// names no vhost, the header's vhost scopes a listing as if the path named it (rabbit_mgmt_util:vhost and
/// all_or_one_vhost at v3.10.8; checked with curl against RabbitMQ 3.10.8); empty, it means every vhost. Its value is
/// taken as it is, not percent-decoded. A header naming no vhost was taken unchecked until 3.10 (an administrator lists
/// nothing in it) and is an unknown vhost, 404, from 3.13 (rabbit_web_dispatch_access_control:vhost at v3.13.0).
/// </summary>
[Releases("3.10", "3.13", "4.2")]
public sealed class VirtualHostHeaderTests : ManagementTestBase
{
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
        var response = await SendAsync(HttpMethod.Get, "api/queues", configure: request => request.Headers.Add("x-vhost", "%2F"));

        if (Profile.VirtualHostHeaderMustExist)
        {
            AssertError(response, HttpStatusCode.NotFound, "Object Not Found", "Not Found");
        }
        else
        {
            Assert.That((response.Status, response.Body), Is.EqualTo((HttpStatusCode.OK, "[]")));
        }
    }

    private async Task<JsonArray> ListAsync(string path, string virtualHost)
    {
        var response = await SendAsync(HttpMethod.Get, path, configure: request => request.Headers.Add("x-vhost", virtualHost));
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        return response.Json!.AsArray();
    }
}
