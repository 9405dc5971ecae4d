namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// <c>/api/deprecated-features</c> and <c>/api/deprecated-features/used</c> from 3.13 (rabbit_mgmt_dispatcher and
/// rabbit_mgmt_wm_deprecated_features at v3.13.7; rabbit_depr_ff_extra:cli_info0, an Erlang map per feature, so its keys
/// sorted; from 4.3.0 <c>state</c> in the full list, #14229 and commit d2a3a60cd1). RabbitMQ 3.10.8 has neither path
/// (curl: 404 Object Not Found). <c>used</c> lists a feature whose is_feature_used callback says so:
/// transient_nonexcl_queues from 4.0 while a queue neither durable nor exclusive exists
/// (rabbit_amqqueue:are_transient_nonexcl_used at v4.0.9).
/// </summary>
[Releases("3.10", "3.13", "4.0", "4.2", "4.3")]
public sealed class DeprecatedFeatureEndpointTests : ManagementTestBase
{
    private bool Served => Profile.FeatureFlagApi.HasFlag(Core.Profiles.FeatureFlagApi.DeprecatedFeatures);

    [Test]
    public async Task The_list_shows_the_releases_deprecated_features()
    {
        if (await ListedAsync("api/deprecated-features") is not { } features)
        {
            return;
        }

        var globalQos = features.Single(feature => feature["name"]!.GetValue<string>() == "global_qos");
        string[] state = Profile.FeatureFlagApi.HasFlag(Core.Profiles.FeatureFlagApi.DeprecatedFeatureState) ? ["state"] : [];
        Assert.That(globalQos.Select(field => field.Key), Is.EqualTo((string[])["deprecation_phase", "desc", "doc_url", "name", "provided_by", .. state]));
        Assert.That(globalQos["deprecation_phase"]!.GetValue<string>(), Is.EqualTo(Profile.GlobalQosPermitted ? "permitted_by_default" : "denied_by_default"));
        Assert.That(globalQos["doc_url"]!.GetValue<string>(), Is.EqualTo("https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-global-qos"));
        if (state.Length > 0)
        {
            // ram_node_type is removed in 4.3, so never permitted; global_qos follows deprecated_features.permit.global_qos.
            var ramNodes = features.Single(feature => feature["name"]!.GetValue<string>() == "ram_node_type");
            Assert.That((ramNodes["deprecation_phase"]!.GetValue<string>(), ramNodes["state"]!.GetValue<string>()), Is.EqualTo(("removed", "denied")));
            Assert.That(globalQos["state"]!.GetValue<string>(), Is.AnyOf("permitted", "denied"));
        }

        Assert.That(features.Select(feature => feature["name"]!.GetValue<string>()), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public async Task Used_lists_transient_non_exclusive_queues_while_one_exists_from_4_0()
    {
        var virtualHost = TrackVirtualHost(UniqueName("deprecated"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}");
        var declared = await SendAsync(HttpMethod.Put, $"api/queues/{Segment(virtualHost)}/transient", new JsonObject { ["durable"] = false });

        if (await ListedAsync("api/deprecated-features/used") is not { } used)
        {
            return;
        }

        var tracked = Profile.Release >= new Core.Profiles.RabbitMqRelease(4, 0) && declared.Status == HttpStatusCode.Created;
        Assert.That(used.Select(feature => feature["name"]!.GetValue<string>()), tracked ? Has.Member("transient_nonexcl_queues") : Has.No.Member("transient_nonexcl_queues"));
        Assert.That(used.SelectMany(feature => feature.Select(field => field.Key)), Has.No.Member("state"));
    }

    /// <summary>The features <paramref name="path"/> lists, or null after asserting it is an unknown path where the release has none.</summary>
    private async Task<List<JsonObject>?> ListedAsync(string path)
    {
        var response = await SendAsync(HttpMethod.Get, path);
        if (!Served)
        {
            AssertError(response, HttpStatusCode.NotFound, "Object Not Found", "Not Found");
            return null;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        return [.. response.Json!.AsArray().Select(feature => feature!.AsObject())];
    }
}
