using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel.Tests;

/// <summary>
/// A shovel parameter with several problems is refused with all of them, one a line, in RabbitMQ's order:
/// rabbit_shovel_parameters:validate at v3.10.8 (and rabbit_amqp091_shovel at v4.2.9/v4.3.5, the same checks) returns
/// validate_src ++ validate_dest ++ rabbit_parameter_validation:proplist, whose results come unknown keys first, then
/// each key's problem in the reverse of the checking order. Each expected reason is what RabbitMQ 3.10.8 answered to
/// the same value through <c>PUT /api/parameters/shovel/%2f/bad</c> (before its API HTML-escaped it).
/// </summary>
public sealed class ValidationTests
{
    private const string Name = "bad";

    [TestCase("""{"src-uri":"amqp://"}""", "Must specify 'src-exchange' or 'src-queue'\nKey \"dest-uri\" not found in bad")]
    [TestCase("{}", "Must specify 'src-exchange' or 'src-queue'\nKey \"dest-uri\" not found in bad\nKey \"src-uri\" not found in bad")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","dest-queue":"b","ack-mode":"bogus","src-prefetch-count":"x","reconnect-delay":-1}""",
        "src-prefetch-count should be a number, actually was <<\"x\">>\nack-mode should be one of [<<\"no-ack\">>,<<\"on-publish\">>,<<\"on-confirm\">>], actually was <<\"bogus\">>")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","src-exchange":"x","dest-uri":"amqp://","dest-queue":"b","dest-exchange":"c","ack-mode":"no-ack","delete-after":5,"zz":1,"aa":2}""",
        "Cannot specify 'src-exchange' and 'src-queue'\nCannot specify 'no-ack' and numerical 'delete-after'\nCannot specify 'dest-exchange' and 'dest-queue'\nUnrecognised terms [{<<\"aa\">>,2},{<<\"zz\">>,1}] in bad")]
    [TestCase(
        """{"src-uri":"foo://","src-queue":"a","dest-uri":["amqp://","bar://","baz://"],"reconnect-delay":"x"}""",
        "\"bar://\" not a valid URI: {{unexpected_uri_scheme,\"bar\"},\"bar://\"}\n\"foo://\" not a valid URI: {{unexpected_uri_scheme,\"foo\"},\"foo://\"}\nreconnect-delay should be a number, actually was <<\"x\">>")]
    [TestCase(
        """{"src-uri":5,"src-queue":5,"src-exchange-key":1,"dest-uri":"amqp://","dest-queue":3,"dest-exchange-key":4,"ack-mode":7}""",
        "dest-queue should be binary, actually was 3\ndest-exchange-key should be binary, actually was 4\nsrc-queue should be binary, actually was 5\nsrc-exchange-key should be binary, actually was 1\nsrc-uri should be list, actually was 5\nack-mode should be binary, actually was 7")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","dest-add-forward-headers":"no","add-timestamp-header":1}""",
        "dest-add-forward-headers should be boolean, actually was <<\"no\">>\nadd-timestamp-header should be boolean, actually was 1")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","src-delete-after":-1,"delete-after":"x","prefetch-count":"y"}""",
        "src-delete-after should be a number greater than or equal to 0, \"never\" or \"queue-length\", actually was -1\ndelete-after should be a number greater than or equal to 0, \"never\" or \"queue-length\", actually was <<\"x\">>\nprefetch-count should be a number, actually was <<\"y\">>")]
    [TestCase(
        """{"src-uri":["foo://","bar://"],"src-queue":"a","dest-uri":"amqp://","src-exchange":"x"}""",
        "Cannot specify 'src-exchange' and 'src-queue'\n\"foo://\" not a valid URI: {{unexpected_uri_scheme,\"foo\"},\"foo://\"}")]
    [TestCase("""{"src-uri":["amqp://",5],"src-queue":"a","dest-uri":"amqp://"}""", "src-uri should be list, actually was 5")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","publish-properties":{"priority":"x","content_type":5,"headers":{"a":1},"bogus":1,"delivery_mode":2},"dest-publish-properties":{"timestamp":"t","app_id":1},"dest-queue":7,"reconnect-delay":"r"}""",
        "app_id should be binary, actually was 1\ntimestamp should be a number, actually was <<\"t\">>\nUnrecognised terms [{<<\"bogus\">>,1},{<<\"headers\">>,#{<<\"a\">> => 1}}] in publish-properties\n"
        + "priority should be a number, actually was <<\"x\">>\ncontent_type should be binary, actually was 5\ndest-queue should be binary, actually was 7\nreconnect-delay should be a number, actually was <<\"r\">>")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","dest-publish-properties":[1,2],"publish-properties":"s"}""",
        "Unrecognised terms [1,2] in dest-publish-properties\npublish-properties not a list <<\"s\">>")]
    public void Every_problem_is_reported_in_rabbitmqs_order(string value, string reason)
    {
        foreach (var profile in VersionProfile.All)
        {
            Assert.That(() => Read(value, profile), Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(reason), profile.Release.ToString());
        }
    }

    [Test]
    public void A_negative_reconnect_delay_and_empty_publish_properties_are_accepted()
    {
        var definition = Read("""{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","reconnect-delay":-1,"dest-publish-properties":[],"publish-properties":{"priority":1}}""", VersionProfile.All[0]);

        Assert.That(definition.ReconnectDelay, Is.EqualTo(TimeSpan.FromSeconds(-1)));
    }

    [Test]
    public void An_amqp10_end_is_refused_alone_before_rabbitmqs_checks()
    {
        Assert.That(
            () => Read("""{"src-uri":5,"dest-protocol":"amqp10"}""", VersionProfile.All[0]),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo("dest-protocol amqp10 is not supported by this broker: only amqp091"));
    }

    [Test]
    public void On_4_3_5_a_bad_src_delete_after_duration_is_listed_between_src_delete_after_and_the_destination()
    {
        var profile = VersionProfile.For(new RabbitMqRelease(4, 3));

        // rabbit_amqp091_shovel:validate_src_funs at v4.3.5 checks src-delete-after-duration after src-delete-after.
        Assert.That(
            () => Read("""{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","dest-queue":5,"src-delete-after":"x","src-delete-after-duration":0}""", profile),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(
                "dest-queue should be binary, actually was 5\nsrc-delete-after-duration should be a positive integer (seconds), actually was 0\n"
                + "src-delete-after should be a number greater than or equal to 0, \"never\" or \"queue-length\", actually was <<\"x\">>"));
    }

    /// <summary>
    /// <c>src-predeclared</c> and <c>dest-predeclared</c> (rabbit_shovel_parameters at v4.0.0) and <c>src-consumer-name</c>
    /// (release-notes/4.3.0.md) are unknown terms before their release; from it each is checked in its place:
    /// src-consumer-name after src-consumer-args, src-predeclared last of the source's keys and dest-predeclared last of
    /// the destination's (rabbit_amqp091_shovel:validate_src_funs and validate_dest_funs at v4.3.5). Three unknown terms
    /// no longer fit one line of ~p (RabbitMQ 3.10.8 broke them so).
    /// </summary>
    [TestCase("3.13", "Unrecognised terms [{<<\"dest-predeclared\">>,<<\"n\">>},\n                    {<<\"src-consumer-name\">>,5},\n                    {<<\"src-predeclared\">>,1}] in bad")]
    [TestCase("4.0", "Unrecognised terms [{<<\"src-consumer-name\">>,5}] in bad\ndest-predeclared should be boolean, actually was <<\"n\">>\nsrc-predeclared should be boolean, actually was 1")]
    [TestCase("4.3", "dest-predeclared should be boolean, actually was <<\"n\">>\nsrc-predeclared should be boolean, actually was 1\nsrc-consumer-name should be binary, actually was 5")]
    public void Keys_of_later_releases_are_checked_from_their_release(string release, string reason)
    {
        Assert.That(
            () => Read("""{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","src-predeclared":1,"dest-predeclared":"n","src-consumer-name":5}""", VersionProfile.For(RabbitMqRelease.Parse(release))),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo(reason));
    }

    [Test]
    public void Predeclared_ends_and_the_consumer_name_are_read_on_4_3()
    {
        var definition = Read(
            """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","dest-queue":"b","src-predeclared":true,"dest-predeclared":true,"src-consumer-name":"mover"}""",
            VersionProfile.For(new RabbitMqRelease(4, 3)));

        Assert.That((definition.SourcePredeclared, definition.DestinationPredeclared, definition.SourceConsumerName), Is.EqualTo((true, true, "mover")));
    }

    private static ShovelDefinition Read(string value, VersionProfile profile)
    {
        using var document = JsonDocument.Parse(value);
        return ShovelDefinitionReader.Read(Name, document.RootElement, profile);
    }
}
