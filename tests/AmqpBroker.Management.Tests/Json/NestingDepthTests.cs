using System.Text.Json.Nodes;
using AmqpBroker.Management.Json;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Tests.Json;

/// <summary>
/// Every place the API walks a field table — rendering it as JSON, reading it from JSON, hashing binding
/// arguments, sorting by a table-valued column — refuses nesting past <see cref="FieldTable.MaxDepth"/>
/// with an exception instead of overflowing the stack, and handles a table at the limit.
/// </summary>
public sealed class NestingDepthTests
{
    private const int FarPastTheLimit = 50_000;

    [Test]
    public void Rendering_a_table_nested_far_past_the_limit_is_refused()
    {
        Assert.Throws<AmqpFormatException>(() => FieldTableJson.ToJson(Nested(FarPastTheLimit)));
        Assert.Throws<AmqpFormatException>(() => BindingKey.For("key", Nested(FarPastTheLimit)));
    }

    [Test]
    public void Reading_JSON_nested_far_past_the_limit_is_refused()
    {
        JsonNode inner = new JsonObject();
        for (var level = 1; level < FarPastTheLimit; level++)
        {
            inner = level % 2 == 0 ? new JsonObject { ["a"] = inner } : new JsonArray(inner);
        }

        Assert.Throws<AmqpFormatException>(() => FieldTableJson.FromJson(new JsonObject { ["x"] = inner }));
    }

    [Test]
    public void A_table_at_the_limit_is_rendered_hashed_and_sorted()
    {
        var table = Nested(FieldTable.MaxDepth);
        var json = FieldTableJson.ToJson(table);

        // Inside a listing (array of objects holding the arguments) the answer nests deeper than JSON's default 64.
        var listing = new JsonArray(new JsonObject { ["arguments"] = json });
        Assert.That(listing.ToJsonString(FieldTableJson.SerializerOptions), Does.StartWith("[{\"arguments\":{\"x\":{\"a\":"));
        Assert.That(BindingKey.For("key", table), Does.StartWith("key~"));
        Assert.That(JsonValueOrder.Instance.Compare(FieldTableJson.ToJson(table), FieldTableJson.ToJson(Nested(3))), Is.Not.Zero);
        Assert.That(FieldTableJson.FromJson(json), Is.Not.Null);
    }

    /// <summary>A table of <paramref name="depth"/> levels: "x" holds a table holding "a" holding a table, and so on.</summary>
    private static Dictionary<string, object?> Nested(int depth)
    {
        var inner = new Dictionary<string, object?>();
        for (var level = depth - 1; level > 1; level--)
        {
            inner = new Dictionary<string, object?> { ["a"] = inner };
        }

        return new Dictionary<string, object?> { ["x"] = inner };
    }
}
