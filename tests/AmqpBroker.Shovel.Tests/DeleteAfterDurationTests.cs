using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Shovel.Tests;

/// <summary>
/// <c>src-delete-after-duration</c> as RabbitMQ 4.3.5 validates it (release-notes/4.3.5.md, Shovel TTL, #17055/#17064;
/// rabbit_shovel_util:validate_delete_after_duration and rabbit_amqp091_shovel:validate_src_funs at v4.3.5): a positive
/// integer of seconds up to ten years, alongside <c>src-delete-after</c>; and as every earlier release refuses it, an
/// unknown key (rabbit_parameter_validation:proplist).
/// </summary>
public sealed class DeleteAfterDurationTests
{
    private const string Name = "ttl";

    private static readonly VersionProfile V43 = VersionProfile.For(new RabbitMqRelease(4, 3));

    private static IEnumerable<VersionProfile> EarlierProfiles => VersionProfile.All.Where(p => !p.ShovelDeleteAfterDuration);

    [TestCase("60", 60)]
    [TestCase("1", 1)]
    [TestCase("315360000", 315_360_000)]
    public void A_positive_number_of_seconds_up_to_ten_years_is_read_as_given(string duration, long seconds)
    {
        var definition = Read(Duration(duration), V43);

        Assert.That(definition.DeleteAfterDuration, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [Test]
    public void It_combines_with_src_delete_after_and_is_unset_by_default()
    {
        var both = Read("\"src-delete-after\":\"queue-length\"," + Duration("300"), V43);
        var neither = Read("", V43);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(both.DeleteAfter, Is.EqualTo(DeleteAfter.QueueLength));
            Assert.That(both.DeleteAfterDuration, Is.EqualTo(TimeSpan.FromSeconds(300)));
            Assert.That(neither.DeleteAfterDuration, Is.Null);
        }
    }

    [TestCase("0", "0")]
    [TestCase("-5", "-5")]
    [TestCase("1.5", "1.5")]
    [TestCase("60.0", "60.0")]
    [TestCase("\"whenever\"", "<<\"whenever\">>")]
    [TestCase("true", "true")]
    public void Anything_but_a_positive_integer_is_refused(string duration, string shown)
    {
        Assert.That(
            () => Read(Duration(duration), V43),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo($"src-delete-after-duration should be a positive integer (seconds), actually was {shown}"));
    }

    [TestCase("315360001")]
    [TestCase("3153600000")]
    [TestCase("99999999999999999999")]
    public void More_than_ten_years_is_refused(string duration)
    {
        Assert.That(
            () => Read(Duration(duration), V43),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo($"src-delete-after-duration is {duration} seconds, which exceeds the maximum supported duration"));
    }

    [TestCaseSource(nameof(EarlierProfiles))]
    public void Before_4_3_5_it_is_an_unknown_key(VersionProfile profile)
    {
        Assert.That(
            () => Read(Duration("60"), profile),
            Throws.TypeOf<ParameterValidationException>().With.Message.EqualTo($"Unrecognised terms [{{<<\"src-delete-after-duration\">>,60}}] in {Name}"));
    }

    private static string Duration(string json) => $"\"src-delete-after-duration\":{json}";

    /// <summary>A shovel from the queue <c>src</c> to this broker with <paramref name="fields"/> (JSON members) added.</summary>
    private static ShovelDefinition Read(string fields, VersionProfile profile)
    {
        var separator = fields.Length == 0 ? "" : ",";
        using var value = JsonDocument.Parse($$"""{"src-uri":"amqp://","src-queue":"src","dest-uri":"amqp://"{{separator}}{{fields}}}""");
        return ShovelDefinitionReader.Read(Name, value.RootElement, profile);
    }
}
