using System.Text;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Tests.Exchanges;

/// <summary>
/// Headers-exchange matching on decoded field values (the CLR types the frame decoder produces), with the
/// outcomes the interop suite observed on RabbitMQ 3.10 (TopicAndHeadersRoutingTests).
/// </summary>
[TestFixture]
public sealed class HeadersMatchTests
{
    private static Dictionary<string, object?> T(params object?[] pairs)
    {
        var table = new Dictionary<string, object?>();
        for (var i = 0; i < pairs.Length; i += 2)
        {
            table[(string)pairs[i]!] = pairs[i + 1];
        }

        return table;
    }

    private static ReadOnlyMemory<byte> Binary(string text) => Encoding.UTF8.GetBytes(text);

    private static IEnumerable<TestCaseData> Cases()
    {
        static TestCaseData Case(string name, Dictionary<string, object?> binding, Dictionary<string, object?> headers, bool matches) =>
            new TestCaseData(binding, headers, matches).SetName(name);

        // x-match all (the default) and any
        yield return Case("All_every_key_matches", T("x-match", "all", "a", "1", "b", "2"), T("a", "1", "b", "2", "c", "3"), true);
        yield return Case("All_one_key_missing", T("x-match", "all", "a", "1", "b", "2"), T("a", "1"), false);
        yield return Case("All_one_value_differs", T("x-match", "all", "a", "1", "b", "2"), T("a", "1", "b", "3"), false);
        yield return Case("Default_is_all", T("a", "1", "b", "2"), T("a", "1"), false);
        yield return Case("Default_is_all_and_matches", T("a", "1", "b", "2"), T("b", "2", "a", "1"), true);
        yield return Case("Any_one_key_matches", T("x-match", "any", "a", "1", "b", "2"), T("b", "2"), true);
        yield return Case("Any_no_key_matches", T("x-match", "any", "a", "1", "b", "2"), T("c", "3"), false);
        yield return Case("Any_key_present_value_differs", T("x-match", "any", "a", "1"), T("a", "2"), false);
        yield return Case("All_empty_pattern_matches_anything", T("x-match", "all"), T("z", "1"), true);
        yield return Case("All_empty_pattern_matches_no_headers", T("x-match", "all"), T(), true);
        yield return Case("Empty_binding_matches_no_headers", T(), T(), true);
        yield return Case("Any_empty_pattern_matches_nothing", T("x-match", "any"), T("z", "1"), false);
        yield return Case("All_without_headers", T("x-match", "all", "a", "1"), T(), false);
        yield return Case("Any_without_headers", T("x-match", "any", "a", "1"), T(), false);
        yield return Case("Keys_are_case_sensitive", T("A", "1"), T("a", "1"), false);
        yield return Case("String_values_are_case_sensitive", T("a", "x"), T("a", "X"), false);

        // x- keys
        yield return Case("All_ignores_x_keys", T("x-match", "all", "x-foo", "bar", "a", "1"), T("a", "1"), true);
        yield return Case("All_only_x_keys_matches_without_headers", T("x-match", "all", "x-foo", "bar"), T(), true);
        yield return Case("Any_ignores_x_keys", T("x-match", "any", "x-foo", "bar"), T("x-foo", "bar"), false);
        yield return Case("All_with_x_uses_x_keys", T("x-match", "all-with-x", "x-foo", "bar"), T("x-foo", "bar"), true);
        yield return Case("All_with_x_x_key_missing", T("x-match", "all-with-x", "x-foo", "bar", "a", "1"), T("a", "1"), false);
        yield return Case("Any_with_x_uses_x_keys", T("x-match", "any-with-x", "x-foo", "bar", "a", "1"), T("x-foo", "bar"), true);
        yield return Case("Any_with_x_no_match", T("x-match", "any-with-x", "x-foo", "bar"), T("x-foo", "baz"), false);
        yield return Case("X_match_in_the_headers_is_just_a_header", T("x-match", "any", "a", "1"), T("x-match", "all", "a", "1"), true);
        yield return Case("Upper_case_X_keys_are_not_ignored", T("X-Foo", "bar"), T("a", "1"), false);

        // void (no value) means presence
        yield return Case("Void_matches_any_value", T("a", null), T("a", "anything"), true);
        yield return Case("Void_matches_a_void_header", T("a", null), T("a", null), true);
        yield return Case("Void_needs_the_key", T("a", null), T("b", "1"), false);
        yield return Case("Void_header_does_not_match_a_value", T("a", "1"), T("a", null), false);
        yield return Case("Any_void_present", T("x-match", "any", "a", null, "b", "2"), T("a", 1), true);

        // value types
        yield return Case("Int_equals_long", T("a", 1), T("a", 1L), true);
        yield return Case("Int_equals_short", T("a", 1), T("a", (short)1), true);
        yield return Case("Int_equals_byte", T("a", 1), T("a", (byte)1), true);
        yield return Case("Int_equals_sbyte", T("a", 1), T("a", (sbyte)1), true);
        yield return Case("Int_equals_uint", T("a", 1), T("a", 1u), true);
        yield return Case("Int_equals_ushort", T("a", 1), T("a", (ushort)1), true);
        yield return Case("Int_equals_double", T("a", 1), T("a", 1.0), true);
        yield return Case("Double_equals_long", T("a", 2.0), T("a", 2L), true);
        yield return Case("Int_equals_float", T("a", 3), T("a", 3.0f), true);
        yield return Case("Float_equals_double", T("a", 1.5f), T("a", 1.5), true);
        yield return Case("Float_0_1_differs_from_double_0_1", T("a", 0.1f), T("a", 0.1), false);
        yield return Case("Int_differs_from_string", T("a", 1), T("a", "1"), false);
        yield return Case("Int_differs_from_true", T("a", 1), T("a", true), false);
        yield return Case("Long_equals_timestamp", T("a", 1700000000L), T("a", new AmqpTimestamp(1700000000)), true);
        yield return Case("Negative_numbers", T("a", -5), T("a", -5L), true);
        yield return Case("Big_long", T("a", long.MaxValue), T("a", long.MaxValue), true);
        yield return Case("Long_max_differs_from_its_double", T("a", long.MaxValue), T("a", (double)long.MaxValue), false);
        yield return Case("Two_pow_53_plus_1_differs_from_two_pow_53_double", T("a", 9007199254740993L), T("a", 9007199254740992.0), false);
        yield return Case("Two_pow_53_equals_its_double", T("a", 9007199254740992L), T("a", 9007199254740992.0), true);
        yield return Case("Bool_equals_bool", T("a", true), T("a", true), true);
        yield return Case("Bool_differs", T("a", true), T("a", false), false);
        yield return Case("String_equals_bytes", T("a", "abc"), T("a", Encoding.UTF8.GetBytes("abc")), true);
        yield return Case("String_equals_binary", T("a", "abc"), T("a", Binary("abc")), true);
        yield return Case("Non_utf8_bytes_equal", T("a", new byte[] { 0xFF, 0x00, 0xC3 }), T("a", new byte[] { 0xFF, 0x00, 0xC3 }), true);
        yield return Case("Non_utf8_bytes_differ", T("a", new byte[] { 0xFF, 0x00, 0xC3 }), T("a", new byte[] { 0xFF, 0x00, 0xC4 }), false);
        yield return Case("Decimal_equals_same_decimal", T("a", 1.5m), T("a", 1.5m), true);
        yield return Case("Decimal_differs_with_another_scale", T("a", 1.5m), T("a", 1.50m), false);
        yield return Case("Decimal_differs_from_int", T("a", 1m), T("a", 1), false);
        yield return Case("Array_equals_same_array", T("a", new List<object?> { 1, "x" }), T("a", new List<object?> { 1, "x" }), true);
        yield return Case("Array_compares_element_types", T("a", new List<object?> { 1 }), T("a", new List<object?> { 1L }), false);
        yield return Case("Array_of_string_differs_from_array_of_binary", T("a", new List<object?> { "x" }), T("a", new List<object?> { Binary("x") }), false);
        yield return Case("Table_equals_same_table", T("a", T("k", "v")), T("a", T("k", "v")), true);
        yield return Case("Table_differs", T("a", T("k", "v")), T("a", T("k", "w")), false);
        yield return Case("Table_compares_value_types", T("a", T("k", 1)), T("a", T("k", 1L)), false);
        yield return Case("Empty_string", T("a", string.Empty), T("a", string.Empty), true);
    }

    [TestCaseSource(nameof(Cases))]
    public void Matches_as_RabbitMQ_does(Dictionary<string, object?> binding, Dictionary<string, object?> headers, bool matches)
    {
        Assert.That(HeadersMatch.Parse(binding).Matches(headers), Is.EqualTo(matches));
    }

    [Test]
    public void Matching_is_symmetric_for_value_types()
    {
        // Swapping binding and header values must not change the outcome of a single-key "all" match.
        var values = new object?[]
        {
            1, 1L, (short)1, (byte)1, 1.0, 1.0f, "1", true, 1m, 1.0m, Encoding.UTF8.GetBytes("1"), Binary("1"),
            new AmqpTimestamp(1), new List<object?> { 1 }, T("k", 1),
        };
        foreach (var x in values)
        {
            foreach (var y in values)
            {
                Assert.That(
                    HeadersMatch.Parse(T("a", x)).Matches(T("a", y)),
                    Is.EqualTo(HeadersMatch.Parse(T("a", y)).Matches(T("a", x))),
                    $"{x} ({x?.GetType().Name}) vs {y} ({y?.GetType().Name})");
            }
        }
    }

    [TestCase("foo", "<<\"foo\">>")]
    [TestCase("ALL", "<<\"ALL\">>")]
    [TestCase("", "<<>>")]
    public void An_invalid_x_match_value_is_refused_with_RabbitMQs_text(string mode, string printed)
    {
        var e = Assert.Throws<AmqpException>(() => HeadersMatch.Parse(T("x-match", mode, "a", "1")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
            Assert.That(e.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - Invalid x-match field value {printed}; expected all, any, all-with-x, or any-with-x"));
        }
    }

    /// <summary>Decoded values as the frame reader produces them, printed as RabbitMQ 3.10 prints them.</summary>
    private static IEnumerable<TestCaseData> NonStringXMatches()
    {
        static TestCaseData Case(string name, object? value, string printed) => new TestCaseData(value, printed).SetName("An_x_match_of_type_" + name + "_is_refused_with_RabbitMQs_text");

        yield return Case("signedint", 1, "signedint (value 1)");
        yield return Case("long", 1L, "long (value 1)");
        yield return Case("short", (short)2, "short (value 2)");
        yield return Case("unsignedbyte", (byte)3, "unsignedbyte (value 3)");
        yield return Case("byte", (sbyte)-3, "byte (value -3)");
        yield return Case("unsignedint", 7u, "unsignedint (value 7)");
        yield return Case("bool", true, "bool (value true)");
        yield return Case("double", 1.5, "double (value 1.5)");
        yield return Case("float", 1.5f, "float (value 1.5)");
        yield return Case("binary", Binary("all"), "binary (value <<\"all\">>)");
        yield return Case("timestamp", new AmqpTimestamp(5), "timestamp (value 5)");
        yield return Case("decimal", 2.5m, "decimal (value {1,25})");
        yield return Case("array", new List<object?> { 1 }, "array (value [{signedint,1}])");
        yield return Case("table", T("k", 1), "table (value [{<<\"k\">>,signedint,1}])");
        yield return Case("void", null, "void (value undefined)");
    }

    [TestCaseSource(nameof(NonStringXMatches))]
    public void An_x_match_that_is_not_a_string_is_refused_with_RabbitMQs_text(object? value, string printed)
    {
        var e = Assert.Throws<AmqpException>(() => HeadersMatch.Parse(T("x-match", value)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
            Assert.That(e.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - Invalid x-match field type {printed}; expected longstr"));
        }
    }

    [TestCase("all")]
    [TestCase("any")]
    [TestCase("all-with-x")]
    [TestCase("any-with-x")]
    public void Each_valid_x_match_parses(string mode)
    {
        Assert.DoesNotThrow(() => HeadersMatch.Parse(T("x-match", mode)));
    }

    [Test]
    public void The_headers_exchange_routes_each_matching_destination_once()
    {
        var exchange = new HeadersExchange(TestData.ExchangeDefinition("h", ExchangeTypes.Headers));
        var q1 = new FakeDestination("q1");
        var q2 = new FakeDestination("q2");
        var q3 = new FakeDestination("q3");
        Assert.That(exchange.AddBinding(new Binding(exchange, q1, string.Empty, T("x-match", "any", "a", "1"))), Is.True);
        Assert.That(exchange.AddBinding(new Binding(exchange, q1, "k", T("x-match", "any", "a", "1"))), Is.True);
        Assert.That(exchange.AddBinding(new Binding(exchange, q1, string.Empty, T("b", "2"))), Is.True);
        Assert.That(exchange.AddBinding(new Binding(exchange, q2, string.Empty, T("b", 2L))), Is.True);
        Assert.That(exchange.AddBinding(new Binding(exchange, q3, string.Empty, T("c", null))), Is.True);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Route(exchange, T("a", "1", "b", "2")), Is.EqualTo(new[] { q1 }));
            Assert.That(Route(exchange, T("b", 2)), Is.EqualTo(new[] { q2 }));
            Assert.That(Route(exchange, T("a", "1", "b", (byte)2, "c", false)), Is.EquivalentTo(new[] { q1, q2, q3 }));
            Assert.That(Route(exchange, null), Is.Empty, "no headers property");
        }

        Assert.That(exchange.RemoveBinding(q1, "k", T("x-match", "any", "a", "1")), Is.Not.Null);
        Assert.That(exchange.RemoveBinding(q1, string.Empty, T("x-match", "any", "a", "1")), Is.Not.Null);
        Assert.That(Route(exchange, T("a", "1", "b", "2")), Is.EqualTo(new[] { q1 }), "the b=2 binding is left");
    }

    [Test]
    public void An_invalid_binding_is_not_added_to_the_headers_exchange()
    {
        var exchange = new HeadersExchange(TestData.ExchangeDefinition("h", ExchangeTypes.Headers));

        Assert.Throws<AmqpException>(() => exchange.AddBinding(new Binding(exchange, new FakeDestination("q"), string.Empty, T("x-match", "some"))));

        Assert.That(exchange.HasBindings, Is.False);
    }

    private static List<IBindingDestination> Route(Exchange exchange, Dictionary<string, object?>? headers)
    {
        var properties = headers is null ? [0, 0] : new BasicProperties { Headers = headers }.Encode();
        return ExchangeRouting.Route(exchange, new Message(exchange.Name, "rk", properties, ContentSummary.Read(properties), 0));
    }
}
