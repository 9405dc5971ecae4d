using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel.Tests;

/// <summary>
/// What a shovel's validation makes of JSON null, of its argument tables and of its protocols, per release. The 3.10
/// reasons are RabbitMQ 3.10.8's answers to the same values (<c>PUT /api/parameters/shovel/%2f/bad</c>, before its API
/// HTML-escaped them); a crash is its 500 without a body. The 4.2/4.3 ones follow rabbit_shovel_parameters and
/// rabbit_shovel_util at v4.2.9 and v4.3.5.
/// </summary>
public sealed class NestedTermsTests
{
    private const string Ends = "\"src-uri\":\"amqp://\",\"src-queue\":\"q\",\"dest-uri\":\"amqp://\"";

    private static readonly VersionProfile[] Proplists = [.. VersionProfile.All.Where(p => !p.ShovelArgumentsAsTables)];

    private static readonly VersionProfile[] Tables = [.. VersionProfile.All.Where(p => p.ShovelArgumentsAsTables)];

    /// <summary>RabbitMQ decodes a JSON null as the atom null: present, and refused by every check.</summary>
    [TestCase("""{"src-uri":null,"src-queue":"q","dest-uri":"amqp://"}""", "src-uri should be list, actually was null")]
    [TestCase("{" + Ends + ",\"dest-queue\":null}", "dest-queue should be binary, actually was null")]
    [TestCase("{" + Ends + ",\"src-exchange\":null}", "Cannot specify 'src-exchange' and 'src-queue'\nsrc-exchange should be binary, actually was null")]
    [TestCase("{" + Ends + ",\"ack-mode\":\"no-ack\",\"src-delete-after\":null,\"delete-after\":5}", "src-delete-after should be a number greater than or equal to 0, \"never\" or \"queue-length\", actually was null")]
    [TestCase(
        "{" + Ends + ",\"publish-properties\":null,\"ack-mode\":null,\"reconnect-delay\":null,\"add-forward-headers\":null,\"dest-exchange-key\":null}",
        "publish-properties not a list null\nadd-forward-headers should be boolean, actually was null\ndest-exchange-key should be binary, actually was null\nack-mode should be binary, actually was null\nreconnect-delay should be a number, actually was null")]
    public void A_null_value_is_refused_as_rabbitmq_refuses_the_atom_null(string value, string reason)
    {
        foreach (var profile in VersionProfile.All)
        {
            Assert.That(() => Read(value, profile), Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(reason), profile.ReportedVersion);
        }
    }

    [Test]
    public void Until_4_2_5_unknown_arguments_are_unrecognised_terms_and_known_ones_pass_whatever_their_value()
    {
        var value = With(
            "\"src-queue-args\":{\"x-foo\":1,\"x-message-ttl\":\"abc\",\"x-bar-long-argument-name\":\"aaaaaaaaaaaaa\"},"
            + "\"dest-queue-args\":{\"x-zed\":true},\"src-consumer-args\":{\"x-priority\":\"a\",\"x-what\":1,\"x-credit\":1}");

        foreach (var profile in Proplists)
        {
            Assert.That(
                () => Read(value, profile),
                Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(
                    "Unrecognised terms [{<<\"x-zed\">>,true}] in dest-queue-args\n"
                    + "Unrecognised terms [{<<\"x-credit\">>,1},{<<\"x-what\">>,1}] in src-consumer-args\n"
                    + "Unrecognised terms [{<<\"x-bar-long-argument-name\">>,<<\"aaaaaaaaaaaaa\">>},\n                    {<<\"x-foo\">>,1}] in src-queue-args"),
                profile.ReportedVersion);
        }
    }

    /// <summary>rabbit_amqqueue:declare_args lists neither x-delivery-limit nor x-queue-master-locator; it lists
    /// x-stream-filter-size-bytes from 3.13.0, and consume_args drops x-cancel-on-ha-failover in 4.0.</summary>
    [TestCase("3.10", "", ",\n                    {<<\"x-stream-filter-size-bytes\">>,1}")]
    [TestCase("3.13", "", "")]
    [TestCase("4.1", "Unrecognised terms [{<<\"x-cancel-on-ha-failover\">>,true}] in src-consumer-args\n", "")]
    public void The_known_arguments_are_those_of_the_release(string release, string consumerArguments, string filterSize)
    {
        var value = With("\"src-queue-args\":{\"x-delivery-limit\":1,\"x-queue-master-locator\":\"x\",\"x-stream-filter-size-bytes\":1},\"src-consumer-args\":{\"x-cancel-on-ha-failover\":true}");
        var queueArguments = $"Unrecognised terms [{{<<\"x-delivery-limit\">>,1}},\n                    {{<<\"x-queue-master-locator\">>,<<\"x\">>}}{filterSize}] in src-queue-args";

        Assert.That(
            () => Read(value, VersionProfile.For(RabbitMqRelease.Parse(release))),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(consumerArguments + queueArguments));
    }

    [Test]
    public void From_4_2_5_argument_tables_take_any_argument()
    {
        var value = With("\"src-queue-args\":{\"x-foo\":1,\"x-delivery-limit\":1},\"dest-queue-args\":{\"x-zed\":{\"a\":[1]}},\"src-consumer-args\":[]");

        foreach (var profile in Tables)
        {
            Assert.That(Read(value, profile).SourceQueueArguments, Does.ContainKey("x-foo"), profile.ReportedVersion);
        }
    }

    /// <summary>to_proplist (until 4.2.5) and to_map (after) take a map or a list; to_amqp_table (after) refuses null.</summary>
    [TestCase("\"src-queue-args\":5", true)]
    [TestCase("\"dest-queue-args\":null", true)]
    [TestCase("\"src-consumer-args\":\"x\"", true)]
    [TestCase("\"src-queue-args\":[1,2]", false)]
    [TestCase("\"dest-queue-args\":{\"x-a\":null}", false)]
    public void A_value_the_release_cannot_read_as_a_table_crashes_its_validation(string keys, bool everywhere)
    {
        var value = With(keys);

        foreach (var profile in VersionProfile.All)
        {
            var crashes = everywhere || profile.ShovelArgumentsAsTables;
            Assert.That(() => Read(value, profile), crashes ? Throws.TypeOf<ParameterValidationCrashException>() : Throws.TypeOf<ParameterValidationException>(), profile.ReportedVersion);
        }
    }

    /// <summary>
    /// Until 4.2.9, anything but amqp10 and amqp091 crashes protocols/1; from 4.2.9 a string or a number is read as
    /// amqp091 and refused by the enum check, while true, false and null still crash (registered_protocol_to_atom).
    /// </summary>
    [TestCase("\"foo\"", "src-protocol should be one of [<<\"local\">>,<<\"amqp10\">>,<<\"amqp091\">>], actually was <<\"foo\">>")]
    [TestCase("5", "src-protocol should be binary, actually was 5")]
    [TestCase("[]", "src-protocol should be binary, actually was []")]
    [TestCase("null", null)]
    [TestCase("true", null)]
    public void An_unknown_protocol_crashes_until_4_2_9_and_is_read_as_amqp091_after(string protocol, string? reason)
    {
        var value = With($"\"src-protocol\":{protocol}");

        foreach (var profile in VersionProfile.All)
        {
            var refused = profile.ShovelUnknownProtocolIsAmqp091 && reason is not null;
            Assert.That(
                () => Read(value, profile),
                refused ? Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(reason) : Throws.TypeOf<ParameterValidationCrashException>(),
                profile.ReportedVersion);
        }
    }

    [Test]
    public void Local_is_a_protocol_from_4_2_9_that_this_broker_does_not_implement()
    {
        var value = With("\"dest-protocol\":\"local\"");

        Assert.That(() => Read(value, VersionProfile.For(new(4, 2))), Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo("dest-protocol local is not supported by this broker: only amqp091"));
        Assert.That(() => Read(value, VersionProfile.For(new(4, 1))), Throws.TypeOf<ParameterValidationCrashException>());
    }

    private static string With(string keys) => $"{{{Ends},{keys}}}";

    private static ShovelDefinition Read(string value, VersionProfile profile)
    {
        using var document = JsonDocument.Parse(value);
        return ShovelDefinitionReader.Read("bad", document.RootElement, profile);
    }
}
