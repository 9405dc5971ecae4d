using AmqpBroker.Core.Profiles;

namespace AmqpBroker.InteropTests.Profiles;

/// <summary>
/// What a broker behaving as each release reports as its version: connection.start's <c>version</c>, /api/overview
/// (with the fields only some releases have, rabbit_mgmt_wm_overview:to_json per tag) and the definitions export.
/// The 3.10 case also runs against the RabbitMQ 3.10.8 at <c>AMQP_URI</c>.
/// </summary>
[Releases("3.10", "3.13", "4.0", "4.2", "4.3")]
public sealed class ReportedVersionTests : ManagementTestBase
{
    [Test]
    public async Task Connection_start_reports_the_release_as_the_version()
    {
        var connection = await ConnectAsync();

        var properties = connection.ServerProperties!;
        Assert.That(Encoding.UTF8.GetString((byte[])properties["version"]!), Is.EqualTo(Profile.ReportedVersion));
        Assert.That(Encoding.UTF8.GetString((byte[])properties["product"]!), Is.EqualTo(IsExternal ? "RabbitMQ" : "AmqpBroker"));
    }

    [Test]
    public async Task The_overview_reports_the_release_and_the_fields_it_has()
    {
        var overview = await GetJsonAsync("api/overview");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(overview["rabbitmq_version"]!.GetValue<string>(), Is.EqualTo(Profile.ReportedVersion));
            Assert.That(overview["management_version"]!.GetValue<string>(), Is.EqualTo(Profile.ReportedVersion));
            // release_series_support_status: removed in 4.0.5; is_op_policy_updating_enabled: 3.12+;
            // cluster_tags and node_tags: 4.0.4+; default_queue_type: 4.0.5+; crypto_lib_version: 4.2.4+.
            Assert.That(overview["release_series_support_status"]?.GetValue<string>(), Is.EqualTo(Has(OverviewFields.ReleaseSeriesSupportStatus) ? "supported" : null));
            Assert.That(overview["is_op_policy_updating_enabled"]?.GetValue<bool>(), Is.EqualTo(Has(OverviewFields.OperatorPolicyUpdating) ? true : null));
            Assert.That(overview["cluster_tags"] is JsonArray, Is.EqualTo(Has(OverviewFields.Tags)));
            Assert.That(overview["default_queue_type"]?.GetValue<string>(), Is.EqualTo(Has(OverviewFields.DefaultQueueType) ? "classic" : null));
            // crypto_lib_version: 4.2.4+ (release-notes/4.2.4.md, #15468); OpenSSL's version where .NET uses OpenSSL, else null.
            Assert.That(overview.AsObject().ContainsKey("crypto_lib_version"), Is.EqualTo(Has(OverviewFields.CryptoLibVersion)));
        }
    }

    [Test]
    public async Task The_exchange_types_are_the_releases()
    {
        var overview = await GetJsonAsync("api/overview");

        var types = overview["exchange_types"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();

        // x-local-random is built in from 4.0 (release-notes/4.0.1.md), x-modulus-hash from 4.3 (release-notes/4.3.0.md, #15849).
        Assert.That(types, Is.SupersetOf(new[] { "direct", "fanout", "headers", "topic" }));
        Assert.That(types.Contains("x-local-random"), Is.EqualTo(Profile.LocalRandomExchange));
        Assert.That(types.Contains("x-modulus-hash"), Is.EqualTo(Profile.ModulusHashExchange));
    }

    [Test]
    public async Task The_definitions_export_names_the_release()
    {
        var export = await GetJsonAsync("api/definitions");

        Assert.That(export["rabbit_version"]!.GetValue<string>(), Is.EqualTo(Profile.ReportedVersion));
        Assert.That(export["rabbitmq_version"]!.GetValue<string>(), Is.EqualTo(Profile.ReportedVersion));
    }

    private bool Has(OverviewFields field) => Profile.OverviewFields.HasFlag(field);
}
