using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel.Tests;

/// <summary>
/// <c>internal</c> and <c>internal_owner</c>: unknown terms until 4.1.8, from 4.2.0 checked first of all keys
/// (rabbit_shovel_parameters:shovel_validation at v4.2.0 to v4.3.5), <c>internal</c> as a boolean and <c>internal_owner</c>
/// as a proplist of <c>name</c>, <c>kind</c> and <c>virtual_host</c> (validate_internal_owner), whose to_proplist crashes
/// on anything but a map or a list. Also <c>dest-queue</c>'s length, the same on every release
/// (rabbit_parameter_validation:amqp091_queue_name at v3.10.8 to v4.3.5; checked against RabbitMQ 3.10.8).
/// </summary>
public sealed class InternalKeysTests
{
    [Test]
    public void Before_4_2_both_keys_are_unrecognised_terms()
    {
        foreach (var profile in Knowing(internalKeys: false))
        {
            Assert.That(
                () => Read(",\"internal\":true,\"internal_owner\":{\"name\":\"q\"}", profile),
                Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(
                    "Unrecognised terms [{<<\"internal\">>,true},\n                    {<<\"internal_owner\">>,#{<<\"name\">> => <<\"q\">>}}] in bad"),
                profile.ReportedVersion);
        }
    }

    [Test]
    public void From_4_2_an_internal_shovel_with_its_owner_is_accepted()
    {
        foreach (var profile in Knowing(internalKeys: true))
        {
            Assert.That(
                () => Read(",\"internal\":true,\"internal_owner\":{\"name\":\"q\",\"kind\":\"queue\",\"virtual_host\":\"/\"}", profile),
                Throws.Nothing, profile.ReportedVersion);
            Assert.That(() => Read(",\"internal\":false,\"internal_owner\":[]", profile), Throws.Nothing, profile.ReportedVersion);
        }
    }

    [TestCase(",\"internal\":\"yes\"", "internal should be boolean, actually was <<\"yes\">>")]
    [TestCase(
        ",\"internal_owner\":{\"kind\":\"stream\",\"name\":1,\"virtual_host\":2,\"node\":\"n\"},\"reconnect-delay\":\"r\"",
        "reconnect-delay should be a number, actually was <<\"r\">>\nUnrecognised terms [{<<\"node\">>,<<\"n\">>}] in internal_owner\nvirtual_host should be binary, actually was 2\n"
        + "kind should be one of [<<\"exchange\">>,<<\"queue\">>], actually was <<\"stream\">>\nname should be binary, actually was 1")]
    [TestCase(",\"internal_owner\":[1],\"internal\":null", "Unrecognised terms [1] in internal_owner\ninternal should be boolean, actually was null")]
    public void From_4_2_each_key_is_checked_before_the_others(string keys, string reason)
    {
        foreach (var profile in Knowing(internalKeys: true))
        {
            Assert.That(() => Read(keys, profile), Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(reason), profile.ReportedVersion);
        }
    }

    [TestCase("\"q\"")]
    [TestCase("5")]
    [TestCase("null")]
    public void An_owner_that_is_neither_a_map_nor_a_list_crashes_the_validation(string owner)
    {
        foreach (var profile in Knowing(internalKeys: true))
        {
            Assert.That(() => Read($",\"internal_owner\":{owner}", profile), Throws.TypeOf<ParameterValidationCrashException>(), profile.ReportedVersion);
        }
    }

    [Test]
    public void A_dest_queue_of_more_than_255_bytes_is_refused_on_every_release()
    {
        // 255 bytes pass; "é" is two bytes in UTF-8. RabbitMQ 3.10.8 answered the same.
        var longest = new string('q', 255);
        var over = "é" + new string('q', 254);
        foreach (var profile in VersionProfile.All)
        {
            Assert.That(Read($",\"dest-queue\":\"{longest}\",\"src-exchange-key\":\"{longest}x\"", profile).DestinationQueue, Is.EqualTo(longest));
            Assert.That(
                () => Read($",\"dest-queue\":\"{over}\"", profile),
                Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo("dest-queue should be less than 255 bytes, actually was 256"),
                profile.ReportedVersion);
        }
    }

    private static IEnumerable<VersionProfile> Knowing(bool internalKeys) => VersionProfile.All.Where(p => p.ShovelInternalKeys == internalKeys);

    /// <summary>A shovel between two queues of this broker, with <paramref name="keys"/> (each after a comma) added.</summary>
    private static ShovelDefinition Read(string keys, VersionProfile profile)
    {
        using var document = JsonDocument.Parse("{\"src-uri\":\"amqp://\",\"src-queue\":\"a\",\"dest-uri\":\"amqp://\"" + keys + "}");
        return ShovelDefinitionReader.Read("bad", document.RootElement, profile);
    }
}
