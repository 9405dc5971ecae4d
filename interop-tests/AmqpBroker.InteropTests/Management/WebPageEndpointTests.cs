using System.Net;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// What the web page relies on from the management listener: the page itself at / (no credentials, as in
/// RabbitMQ), the overview's history parameters and the node's resource figures; the last two hold for
/// RabbitMQ too.
/// </summary>
public sealed class WebPageEndpointTests : ManagementTestBase
{
    [Test]
    public async Task The_page_is_served_at_the_root_without_credentials()
    {
        using var anonymous = new HttpClient { BaseAddress = ManagementUri };
        using var page = await anonymous.GetAsync("");
        var html = await page.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(html, Does.Contain("<script type=\"module\" src=\"js/main.js\"></script>").Or.Contains("RabbitMQ Management"));
        }

        if (!IsExternal)
        {
            using var script = await anonymous.GetAsync("js/main.js");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("script-src 'self'"));
                Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(script.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
            }
        }
    }

    [Test]
    public async Task Overview_history_parameters_add_samples()
    {
        var overview = await EventuallyJsonAsync("api/overview?lengths_age=60&lengths_incr=5&msg_rates_age=60&msg_rates_incr=5",
            o => o["queue_totals"]?["messages_details"]?["samples"]?.AsArray().Count > 0, "samples of the queued message totals");
        var sample = overview["queue_totals"]!["messages_details"]!["samples"]![0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sample["sample"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(0));
            Assert.That(sample["timestamp"]!.GetValue<long>(), Is.GreaterThan(1_600_000_000_000));
            Assert.That(overview["message_stats"]?["publish_details"]?["samples"], Is.Null.Or.InstanceOf<System.Text.Json.Nodes.JsonArray>());
        }

        var plain = await GetJsonAsync("api/overview");
        Assert.That(plain["queue_totals"]?["messages_details"]?["samples"], Is.Null);
    }

    [Test]
    public async Task The_node_reports_file_descriptors_and_sockets()
    {
        var node = (await GetJsonAsync("api/nodes"))[0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(node["fd_used"]!.GetValue<long>(), Is.GreaterThan(0));
            Assert.That(node["fd_total"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(node["fd_used"]!.GetValue<long>()));
            Assert.That(node["sockets_used"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(0));
            Assert.That(node["sockets_total"]!.GetValue<long>(), Is.GreaterThan(0));
        }
    }
}
