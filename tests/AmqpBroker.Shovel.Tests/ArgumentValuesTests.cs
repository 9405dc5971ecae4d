using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel.Tests;

/// <summary>
/// Where argument tables are AMQP tables (4.2.5+), the values of the arguments rabbit_amqqueue knows are checked with
/// its declare_args/consume_args checks, each refusal <c>invalid arg '~ts' in ~ts: ~255p</c>, in that list's order
/// (rabbit_shovel_util:validate_amqp_table_args at v4.2.9 and v4.3.5; rabbit_amqqueue:declare_args at v4.2.9 with
/// x-queue-mode and x-queue-version 1 or 2, at v4.3.5 without x-queue-mode, version 2 only, with the consumer timeouts).
/// Earlier releases pass any value of a known argument (their two-element errors are dropped).
/// </summary>
public sealed class ArgumentValuesTests
{
    private static readonly VersionProfile V42 = VersionProfile.For(new RabbitMqRelease(4, 2));

    private static readonly VersionProfile V43 = VersionProfile.For(new RabbitMqRelease(4, 3));

    [TestCase("\"x-expires\":0", "{value_zero,0}")]
    [TestCase("\"x-expires\":315360000001", "{value_too_large,315360000001}")]
    [TestCase("\"x-message-ttl\":-1", "{value_negative,-1}")]
    [TestCase("\"x-message-ttl\":1.5", "\"expected integer, got double\"")]
    [TestCase("\"x-max-length\":\"10\"", "\"expected integer, got longstr\"")]
    [TestCase("\"x-max-length-bytes\":{\"a\":1}", "\"expected integer, got table\"")]
    [TestCase("\"x-dead-letter-exchange\":1", "{unacceptable_type,long}")]
    [TestCase("\"x-dead-letter-routing-key\":\"rk\"", "routing_key_but_no_dlx_defined")]
    [TestCase("\"x-dead-letter-strategy\":\"sometimes\"", "invalid_dlx_strategy")]
    [TestCase("\"x-max-priority\":256", "{max_value_exceeded,256}")]
    [TestCase("\"x-overflow\":true", "{unacceptable_type,bool}")]
    [TestCase("\"x-overflow\":\"drop-tail\"", "invalid_overflow")]
    [TestCase("\"x-queue-version\":3", "\"unsupported queue version '3'\"")]
    [TestCase("\"x-single-active-consumer\":\"yes\"", "{unacceptable_type,longstr}")]
    [TestCase("\"x-queue-type\":\"mirrored\"", "\"unsupported queue type 'mirrored'\"")]
    [TestCase("\"x-quorum-initial-group-size\":0", "{value_zero,0}")]
    [TestCase("\"x-max-age\":\"10x\"", "invalid_max_age")]
    [TestCase("\"x-max-age\":10", "{unacceptable_type,long}")]
    [TestCase("\"x-stream-filter-size-bytes\":[1]", "\"expected integer, got array\"")]
    [TestCase("\"x-queue-leader-locator\":\"nearest\"", "invalid_queue_locator_arg")]
    public void A_bad_value_of_a_known_queue_argument_is_refused_from_4_2_5(string argument, string error)
    {
        foreach (var profile in (VersionProfile[])[V42, V43])
        {
            Assert.That(
                () => Read($"\"src-queue-args\":{{{argument}}}", profile),
                Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo($"invalid arg '{argument.Split('"')[1]}' in src-queue-args: {error}"),
                profile.ReportedVersion);
        }
    }

    [Test]
    public void Good_values_pass_and_so_does_any_value_before_4_2_5()
    {
        const string Arguments = "\"dest-queue-args\":{\"x-expires\":1,\"x-message-ttl\":0,\"x-dead-letter-exchange\":\"dlx\",\"x-dead-letter-routing-key\":\"rk\","
            + "\"x-max-priority\":255,\"x-overflow\":\"reject-publish-dlx\",\"x-queue-version\":2,\"x-queue-type\":\"quorum\",\"x-max-age\":\"7D\",\"x-queue-leader-locator\":\"random\"},"
            + "\"src-consumer-args\":{\"x-priority\":-3,\"x-stream-offset\":\"10m\"}";
        foreach (var profile in VersionProfile.All)
        {
            Assert.That(() => Read(Arguments, profile), Throws.Nothing, profile.ReportedVersion);
        }

        Assert.That(() => Read("\"src-queue-args\":{\"x-max-length\":-1}", VersionProfile.For(new RabbitMqRelease(4, 1))), Throws.Nothing);
    }

    [Test]
    public void Every_refusal_is_listed_in_declare_args_order_within_its_key()
    {
        var value = "\"src-queue-args\":{\"x-max-length\":-1,\"x-expires\":0},\"src-consumer-args\":{\"x-stream-offset\":\"soon\",\"x-priority\":\"high\"},\"reconnect-delay\":\"r\"";

        Assert.That(
            () => Read(value, V42),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(
                "invalid arg 'x-priority' in src-consumer-args: \"expected integer, got longstr\"\n"
                + "invalid arg 'x-stream-offset' in src-consumer-args: {invalid_stream_offset_arg,{longstr,<<\"soon\">>}}\n"
                + "invalid arg 'x-expires' in src-queue-args: {value_zero,0}\ninvalid arg 'x-max-length' in src-queue-args: {value_negative,-1}\n"
                + "reconnect-delay should be a number, actually was <<\"r\">>"));
    }

    [Test]
    public void The_releases_differ_in_queue_mode_queue_version_and_consumer_timeouts()
    {
        const string Arguments = "\"src-queue-args\":{\"x-queue-mode\":\"eager\",\"x-queue-version\":1,\"x-consumer-timeout\":-5},\"src-consumer-args\":{\"x-consumer-timeout\":\"1\"}";

        Assert.That(
            () => Read(Arguments, V42),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo("invalid arg 'x-queue-mode' in src-queue-args: \"unsupported queue mode 'eager'\""));
        Assert.That(
            () => Read(Arguments, V43),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(
                "invalid arg 'x-consumer-timeout' in src-consumer-args: \"expected integer, got longstr\"\n"
                + "invalid arg 'x-queue-version' in src-queue-args: \"unsupported queue version '1'\"\n"
                + "invalid arg 'x-consumer-timeout' in src-queue-args: {value_negative,-5}"));
    }

    private static ShovelDefinition Read(string keys, VersionProfile profile)
    {
        using var document = JsonDocument.Parse("{\"src-uri\":\"amqp://\",\"src-queue\":\"a\",\"dest-uri\":\"amqp://\"," + keys + "}");
        return ShovelDefinitionReader.Read("bad", document.RootElement, profile);
    }
}
