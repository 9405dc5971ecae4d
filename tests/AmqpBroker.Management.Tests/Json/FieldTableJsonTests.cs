using System.Text;
using AmqpBroker.Management.Json;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Tests.Json;

public sealed class FieldTableJsonTests
{
    /// <summary>Keys come out in ordinal order (upper case first), values in RabbitMQ's JSON forms.</summary>
    [Test]
    public void Every_AMQP_field_type_has_a_JSON_form()
    {
        var table = new Dictionary<string, object?>
        {
            ["b"] = (sbyte)-1,
            ["B"] = (byte)2,
            ["s"] = (short)-3,
            ["u"] = (ushort)4,
            ["I"] = -5,
            ["i"] = 6u,
            ["l"] = 7L,
            ["f"] = 1.5f,
            ["d"] = 2.5,
            ["D"] = 3.25m,
            ["S"] = "text",
            ["bytes"] = Encoding.UTF8.GetBytes("raw"),
            ["x"] = new ReadOnlyMemory<byte>([1, 2]),
            ["T"] = new AmqpTimestamp(1_700_000_000),
            ["t"] = true,
            ["V"] = null,
            ["A"] = new List<object?> { 1, "a" },
            ["F"] = new Dictionary<string, object?> { ["n"] = 1 },
            ["nan"] = double.NaN,
        };

        var json = FieldTableJson.ToJson(table).ToJsonString();
        Assert.That(json, Is.EqualTo(
            """{"A":[1,"a"],"B":2,"D":3.25,"F":{"n":1},"I":-5,"S":"text","T":1700000000,"V":null,"b":-1,"bytes":"raw","d":2.5,"f":1.5,"i":6,"l":7,"nan":"NaN","s":-3,"t":true,"u":4,"x":"AQI="}"""));
    }
}
