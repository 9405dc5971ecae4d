using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Arguments;

/// <summary>
/// Every place Core walks a field table again — declare equivalence, headers matching, the Erlang-term
/// printer of error texts, the x-death rewriter — refuses tables nested past <see cref="FieldTable.MaxDepth"/>
/// with a format error instead of recursing until the stack overflows, and handles a table at the limit.
/// </summary>
[TestFixture]
public sealed class NestingDepthTests : TimedBrokerFixture
{
    private const int FarPastTheLimit = 50_000;

    [TestCase('F')]
    [TestCase('A')]
    public void Comparing_tables_nested_far_past_the_limit_is_refused(char kind)
    {
        var (a, b) = (Nested(kind, FarPastTheLimit), Nested(kind, FarPastTheLimit));

        Assert.Throws<AmqpFormatException>(() => FieldTableComparer.Instance.Equals(a, b));
        Assert.Throws<AmqpFormatException>(() => FieldTableComparer.ValuesEqual(a["x"], b["x"]));
        Assert.That(FieldTableComparer.Instance.Equals(Nested(kind, FieldTable.MaxDepth), Nested(kind, FieldTable.MaxDepth)), Is.True);
    }

    [Test]
    public void Redeclaring_a_queue_with_an_argument_nested_far_past_the_limit_is_refused_without_walking_it()
    {
        VirtualHost.DeclareQueue(TestData.QueueDefinition("deep-args"), Connection, passive: false);
        var redeclare = TestData.QueueDefinition("deep-args", arguments: new Dictionary<string, object?> { ["x-dead-letter-exchange"] = Nested('F', FarPastTheLimit) });

        // Equivalence compares only the arguments RabbitMQ interprets, through the bounded comparer; here it
        // stops at the first difference and names it without walking the value.
        var refused = Assert.Throws<Core.Errors.AmqpException>(() => VirtualHost.DeclareQueue(redeclare, Connection, passive: false));
        Assert.That(refused!.Message, Does.StartWith("inequivalent arg 'x-dead-letter-exchange'"));
    }

    [Test]
    public void Matching_headers_against_a_binding_value_nested_far_past_the_limit_is_refused()
    {
        var match = HeadersMatch.Parse(new Dictionary<string, object?> { ["x-match"] = "all", ["h"] = Nested('A', FarPastTheLimit) });

        Assert.Throws<AmqpFormatException>(() => match.Matches(new Dictionary<string, object?> { ["h"] = Nested('A', FarPastTheLimit) }));
    }

    [Test]
    public void Printing_a_value_nested_far_past_the_limit_as_an_Erlang_term_is_refused()
    {
        Assert.Throws<AmqpFormatException>(() => ErlangTerms.Format(Nested('F', FarPastTheLimit)));
        Assert.Throws<AmqpFormatException>(() => ErlangTerms.FormatJson(Nested('A', FarPastTheLimit)));
        Assert.That(ErlangTerms.Format(Nested('A', 3)), Is.EqualTo("[{<<\"x\">>,array,[{array,[]}]}]"));
        Assert.That(ErlangTerms.FormatJson(Nested('F', 3)), Is.EqualTo("#{<<\"x\">> => #{<<\"a\">> => #{}}}"));
    }

    [Test]
    public void A_message_whose_headers_nest_at_the_limit_is_dead_lettered_with_its_headers_intact()
    {
        var deadLetters = Declare("deep-dlq");
        var queue = Declare("deep-q", ("x-dead-letter-exchange", ""), ("x-dead-letter-routing-key", "deep-dlq"));
        var (session, target) = OpenSession();
        // The headers table itself is the first level; "x" holds the other 99.
        var headers = Nested('F', FieldTable.MaxDepth);
        Publish(queue, "m", new BasicProperties { Headers = headers });

        session.Reject(Get(session, target, queue)!.DeliveryTag, multiple: false, requeue: false);

        var dead = PropertiesOf(Get(session, target, deadLetters)!.Message).Headers!;
        Assert.That(dead, Does.ContainKey("x-death"));
        Assert.That(FieldTableComparer.ValuesEqual(dead["x"], headers["x"]), Is.True, "the nested header survives the rewrite");
    }

    /// <summary><paramref name="depth"/> levels in all: "x" holds a table holding "a" → table … (<c>'F'</c>) or arrays of one (<c>'A'</c>).</summary>
    private static Dictionary<string, object?> Nested(char kind, int depth)
    {
        object inner = kind == 'F' ? new Dictionary<string, object?>() : new List<object?>();
        for (var level = depth - 1; level > 1; level--)
        {
            inner = kind == 'F' ? new Dictionary<string, object?> { ["a"] = inner } : new List<object?> { inner };
        }

        return new Dictionary<string, object?> { ["x"] = inner };
    }
}
