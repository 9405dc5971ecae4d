using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core.Tests.VirtualHosts;

/// <summary>
/// A requested default queue type, read as rabbit_queue_type:validate_default_queue_type reads it from RabbitMQ 4.2.8
/// and 4.3.2 (release-notes/4.2.8.md, #16481; deps/rabbit/src/rabbit_queue_type.erl at v4.2.8).
/// </summary>
[TestFixture]
public sealed class VirtualHostMetadataTests
{
    [TestCase("classic")]
    [TestCase("quorum")]
    [TestCase("stream")]
    public void A_queue_type_name_is_kept(string type) =>
        Assert.That(VirtualHostMetadata.Validate(type).DefaultQueueType, Is.EqualTo(type));

    [TestCase(null)]
    [TestCase("undefined")]
    public void Null_and_undefined_mean_no_default(string? requested) =>
        Assert.That(VirtualHostMetadata.Validate(requested), Is.EqualTo(VirtualHostMetadata.None));

    [TestCase("", "default_queue_type must not be an empty string")]
    [TestCase("bogus", "bogus is not a valid queue type")]
    [TestCase("Quorum", "Quorum is not a valid queue type")]
    [TestCase(true, "true is not a valid queue type")]
    [TestCase(5L, "5 is not a valid default_queue_type value")]
    [TestCase(1.5, "1.5 is not a valid default_queue_type value")]
    public void Anything_else_is_refused_with_RabbitMQs_reason(object requested, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => VirtualHostMetadata.Validate(requested))!;

        Assert.That(error.Message, Is.EqualTo(reason));
    }

    [Test]
    public void A_list_or_map_is_not_a_value_at_all()
    {
        var list = Assert.Throws<ArgumentException>(() => VirtualHostMetadata.Validate(new List<object?> { "quorum" }))!;
        var map = Assert.Throws<ArgumentException>(() => VirtualHostMetadata.Validate(new Dictionary<string, object?> { ["type"] = "quorum" }))!;

        Assert.That(list.Message, Is.EqualTo("[<<\"quorum\">>] is not a valid default_queue_type value"));
        Assert.That(map.Message, Is.EqualTo("#{<<\"type\">> => <<\"quorum\">>} is not a valid default_queue_type value"));
    }

    /// <summary>rabbit_vhost:parse_tags/1 (v3.10.8 to v4.3.5): a string split at commas, a list item by item, each trimmed.</summary>
    [Test]
    public void Tags_are_read_as_RabbitMQ_parses_them()
    {
        Assert.That(VirtualHostMetadata.ParseTags("prod, eu ,"), Is.EqualTo(new[] { "prod", "eu", "" }));
        Assert.That(VirtualHostMetadata.ParseTags(new List<object?> { " a", "b,c " }), Is.EqualTo(new[] { "a", "b,c" }));
        Assert.That(VirtualHostMetadata.ParseTags(null), Is.Empty);
        Assert.That(VirtualHostMetadata.ParseTags(""), Is.Empty);
        Assert.That(VirtualHostMetadata.ParseTags("undefined"), Is.Empty);
        Assert.Throws<ArgumentException>(() => VirtualHostMetadata.ParseTags(5L));
        Assert.Throws<ArgumentException>(() => VirtualHostMetadata.ParseTags(new List<object?> { "a", 1L }));
    }

    [Test]
    public void Metadata_with_the_same_tags_is_equal()
    {
        var one = new VirtualHostMetadata("quorum") { Description = "d", Tags = ["a", "b"] };

        Assert.That(one, Is.EqualTo(new VirtualHostMetadata("quorum") { Description = "d", Tags = new List<string> { "a", "b" } }));
        Assert.That(one, Is.Not.EqualTo(one with { Tags = ["a"] }));
        Assert.That(one, Is.Not.EqualTo(one with { Description = "" }));
    }
}
