namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// <c>/api/feature-flags</c> and <c>/api/feature-flags/{name}/enable</c> (rabbit_mgmt_wm_feature_flags,
/// rabbit_mgmt_wm_feature_flag_enable and rabbit_ff_extra:cli_info at v3.10.8 to v4.3.5; the 3.10 list and answers checked
/// with curl against RabbitMQ 3.10.8): a fresh node has every stable and required flag enabled, experimental ones
/// disabled. Listing is for administrators in 3.10, for any management user from 3.13; enabling for administrators.
/// </summary>
[Releases("3.10", "3.13", "4.0", "4.1", "4.2", "4.3")]
public sealed class FeatureFlagEndpointTests : ManagementTestBase
{
    /// <summary>RabbitMQ 3.10.8's flags (curl); every later release keeps them.</summary>
    private static readonly string[] ThreeTenFlags =
    [
        "classic_mirrored_queue_version", "drop_unroutable_metric", "empty_basic_get_metric", "implicit_default_bindings",
        "maintenance_mode_status", "quorum_queue", "stream_queue", "user_limits", "virtual_host_metadata",
    ];

    [Test]
    public async Task The_list_is_in_name_order_with_every_flag_not_experimental_enabled()
    {
        var flags = (await GetJsonAsync("api/feature-flags")).AsArray().Select(flag => flag!.AsObject()).ToList();

        var names = flags.Select(flag => flag["name"]!.GetValue<string>()).ToList();
        Assert.That(names, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(names, Is.SupersetOf(ThreeTenFlags));
        if (Profile.Release == new Core.Profiles.RabbitMqRelease(3, 10))
        {
            Assert.That(names, Is.EqualTo(ThreeTenFlags));
        }

        foreach (var flag in flags)
        {
            var expected = flag["stability"]!.GetValue<string>() == "experimental" ? "disabled" : "enabled";
            Assert.That(flag["state"]!.GetValue<string>(), Is.EqualTo(expected), flag.ToJsonString());
        }
    }

    /// <summary>3.10.8 as curl shows it; the flags each later release adds come from its source (rabbit_core_ff and the plugins).</summary>
    [Test]
    public async Task A_flag_has_the_releases_fields_in_its_order()
    {
        var flags = (await GetJsonAsync("api/feature-flags")).AsArray();
        var quorum = flags.Single(flag => flag!["name"]!.GetValue<string>() == "quorum_queue")!.AsObject();

        string[] levels = Profile.FeatureFlagApi.HasFlag(Core.Profiles.FeatureFlagApi.Levels) ? ["require_level", "experiment_level", "callbacks"] : [];
        Assert.That(quorum.Select(field => field.Key), Is.EqualTo((string[])["name", "desc", "doc_url", "state", "stability", .. levels, "provided_by"]));
        Assert.That(quorum["desc"]!.GetValue<string>(), Is.EqualTo("Support queues of type `quorum`"));
        Assert.That(quorum["provided_by"]!.GetValue<string>(), Is.EqualTo("rabbit"));
        Assert.That(quorum["stability"]!.GetValue<string>(), Is.EqualTo(Profile.Release.Major == 3 && Profile.Release.Minor == 10 ? "stable" : "required"));
        if (levels.Length > 0)
        {
            Assert.That((quorum["require_level"]!.GetValue<string>(), quorum["experiment_level"]!.GetValue<string>()), Is.EqualTo(("hard", "supported")));
        }
    }

    [Test]
    public async Task A_monitoring_user_may_list_the_flags_from_3_13()
    {
        var (name, password) = await CreateUserAsync("monitoring");

        var response = await SendAsync(HttpMethod.Get, "api/feature-flags", client: CreateClient(name, password));

        if (Profile.FeatureFlagApi.HasFlag(Core.Profiles.FeatureFlagApi.ListedToManagementUsers))
        {
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        }
        else
        {
            AssertError(response, HttpStatusCode.Unauthorized, "not_authorised", "Not administrator user");
        }
    }

    [Test]
    public async Task Enabling_a_known_flag_is_204_and_an_unknown_one_unsupported()
    {
        var enabled = await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, "api/feature-flags/quorum_queue/enable", "{}");

        // The resource offers no media type of its own (cowboy_rest's default), so its answers do not vary on accept.
        Assert.That(enabled.Headers.Vary.ToString(), Is.EqualTo("accept-encoding, origin"));

        AssertError(await SendAsync(HttpMethod.Put, "api/feature-flags/no_such_flag_here/enable", "{}"), HttpStatusCode.BadRequest, "bad_request", "unsupported");
        var (name, password) = await CreateUserAsync("monitoring");
        AssertError(await SendAsync(HttpMethod.Put, "api/feature-flags/quorum_queue/enable", "{}", CreateClient(name, password)),
            HttpStatusCode.Unauthorized, "not_authorised", "Not administrator user");
    }

    [Test]
    public async Task Enabling_takes_a_json_body_only()
    {
        var response = await SendAsync(HttpMethod.Put, "api/feature-flags/quorum_queue/enable");

        Assert.That((response.Status, response.Body), Is.EqualTo((HttpStatusCode.UnsupportedMediaType, "")));
    }
}
