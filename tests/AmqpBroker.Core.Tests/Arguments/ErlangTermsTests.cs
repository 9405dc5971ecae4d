using AmqpBroker.Core.Arguments;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Arguments;

/// <summary>
/// The one Erlang-term printer: AMQP field values and JSON terms share the scalar forms RabbitMQ prints,
/// and differ where RabbitMQ's own values differ (typed field tables versus decoded JSON maps).
/// </summary>
[TestFixture]
public sealed class ErlangTermsTests
{
    [TestCase(true, "true")]
    [TestCase("abc", "<<\"abc\">>")]
    [TestCase("", "<<>>")]
    [TestCase(42, "42")]
    [TestCase(1.5, "1.5")]
    [TestCase(1000.0, "1000.0")]
    [TestCase(1e21, "1.0e21")]
    [TestCase(1.5e-7, "1.5e-07")]
    public void A_scalar_prints_alike_as_a_field_value_and_as_a_json_term(object value, string expected)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ErlangTerms.Format(value), Is.EqualTo(expected));
            Assert.That(ErlangTerms.FormatJson(value), Is.EqualTo(expected));
        }
    }

    [Test]
    public void A_field_table_prints_as_typed_triples_and_a_json_map_as_an_erlang_map()
    {
        var table = new Dictionary<string, object?> { ["b"] = 1, ["a"] = "x" };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ErlangTerms.Format(table), Is.EqualTo("[{<<\"b\">>,signedint,1},{<<\"a\">>,longstr,<<\"x\">>}]"));
            Assert.That(ErlangTerms.FormatJson(table), Is.EqualTo("#{<<\"a\">> => <<\"x\">>,<<\"b\">> => 1}"));
            Assert.That(ErlangTerms.Format(new List<object?> { 1L, null }), Is.EqualTo("[{long,1},{void,undefined}]"));
            Assert.That(ErlangTerms.FormatJson(new List<object?> { 1L, null }), Is.EqualTo("[1,null]"));
            Assert.That(ErlangTerms.Format(1.25m), Is.EqualTo("{2,125}"));
            Assert.That(ErlangTerms.Format(new AmqpTimestamp(7)), Is.EqualTo("7"));
        }
    }

    [TestCase((sbyte)-1, -1L)]
    [TestCase((byte)1, 1L)]
    [TestCase((short)-2, -2L)]
    [TestCase((ushort)2, 2L)]
    [TestCase(-3, -3L)]
    [TestCase(3u, 3L)]
    [TestCase(-4L, -4L)]
    [TestCase(4UL, 4L)]
    public void Every_clr_integer_type_is_an_integer(object value, long expected)
    {
        Assert.That(IntegerValues.TryGet(value, out var integer), Is.True);
        Assert.That(integer, Is.EqualTo(expected));
    }

    [TestCase(1000.0)]
    [TestCase("1")]
    [TestCase(ulong.MaxValue)]
    [TestCase(null)]
    public void Floats_text_and_out_of_range_values_are_not_integers(object? value)
    {
        Assert.That(IntegerValues.TryGet(value, out _), Is.False);
    }
}
