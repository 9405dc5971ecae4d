namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// <c>GET /api/queues/detailed</c> from 3.13 (rabbit_mgmt_dispatcher and rabbit_mgmt_wm_queues at v3.13.7, mode
/// <c>detailed</c>): every queue the user may see, with its statistics (not checked here: RabbitMQ emits them every few seconds). Before, the path is the queue list of a vhost
/// named <c>detailed</c>, which does not exist: 404 (RabbitMQ 3.10.8, curl).
/// </summary>
[Releases("3.10", "3.13", "4.3")]
public sealed class DetailedQueueListTests : ManagementTestBase
{
    [Test]
    public async Task The_detailed_list_has_every_queue_with_its_statistics()
    {
        var virtualHost = await VirtualHostWithQueueAsync("detailed");

        var response = await SendAsync(HttpMethod.Get, "api/queues/detailed");

        if (!Profile.FeatureFlagApi.HasFlag(Core.Profiles.FeatureFlagApi.DetailedQueuesEndpoint))
        {
            AssertError(response, HttpStatusCode.NotFound, "Object Not Found", "Not Found");
            return;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        var queue = response.Json!.AsArray().Single(q => q!["vhost"]!.GetValue<string>() == virtualHost && q["name"]!.GetValue<string>() == "q")!;
        Assert.That(queue["type"]!.GetValue<string>(), Is.EqualTo("classic"));
    }
}
