using AmqpBroker.Core.Errors;

namespace AmqpBroker.Core.Tests.Errors;

/// <summary>
/// Lists as Erlang's <c>~p</c> breaks them. Every expected text is what OTP 25's <c>erl</c> (the one RabbitMQ 3.10.8
/// runs on here) printed for <c>io_lib:format("Unrecognised terms ~p in x", [Term])</c> (the list at column 19, as
/// rabbit_parameter_validation:proplist prints it) or <c>"~p are not recognised policy settings"</c> (column 0,
/// rabbit_policy:validate0), and RabbitMQ 3.10.8 answered the same through its HTTP API where a case says so.
/// </summary>
[TestFixture]
public sealed class ErlangListTests
{
    [Test]
    public void A_list_stays_on_one_line_while_it_ends_by_column_78()
    {
        var fits = Unrecognised(("<<\"a\">>", "1"), (Key(32), "true"));
        var breaks = Unrecognised(("<<\"a\">>", "1"), (Key(33), "true"));

        Assert.That(fits, Is.EqualTo($"[{{<<\"a\">>,1}},{{{Key(32)},true}}]"));
        Assert.That(breaks, Is.EqualTo($"[{{<<\"a\">>,1}},{Indent}{{{Key(33)},true}}]"));
    }

    [Test]
    public void The_last_element_is_broken_when_it_and_the_closing_bracket_pass_column_78()
    {
        Assert.That(Unrecognised(("<<\"a\">>", "1"), (Key(44), "true")), Is.EqualTo($"[{{<<\"a\">>,1}},{Indent}{{{Key(44)},true}}]"));
        Assert.That(Unrecognised(("<<\"a\">>", "1"), (Key(45), "true")), Is.EqualTo($"[{{<<\"a\">>,1}},{Indent}{{{Key(45)},{Indent} true}}]"));
    }

    [Test]
    public void Another_element_is_broken_when_it_passes_column_78()
    {
        Assert.That(Unrecognised((Key(45), "true"), ("<<\"a\">>", "1")), Is.EqualTo($"[{{{Key(45)},true}},{Indent}{{<<\"a\">>,1}}]"));
        Assert.That(Unrecognised((Key(46), "true"), ("<<\"a\">>", "1")), Is.EqualTo($"[{{{Key(46)},{Indent} true}},{Indent}{{<<\"a\">>,1}}]"));
    }

    [Test]
    public void A_lone_pair_too_long_for_its_line_is_broken()
    {
        Assert.That(Unrecognised((Key(67), "1")), Is.EqualTo($"[{{{Key(67)},{Indent} 1}}]"));
    }

    /// <summary>RabbitMQ 3.10.8's answer to a policy with these two unknown keys, checked with curl.</summary>
    [Test]
    public void At_column_0_the_elements_line_up_after_the_bracket()
    {
        var value = "<<\"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\">>";

        Assert.That(
            ErlangList.PrintPairs([("<<\"bar-setting-long-name\">>", value), ("<<\"foo-setting\">>", "1")]),
            Is.EqualTo($"[{{<<\"bar-setting-long-name\">>,\n  {value}}},\n {{<<\"foo-setting\">>,1}}]"));
    }

    /// <summary>rabbit_mgmt_util:with_decode's <c>[{key_missing,K},…]</c>, RabbitMQ 3.10.8's answers checked with curl.</summary>
    [Test]
    public void Print_breaks_the_list_only_and_never_a_lone_element()
    {
        Assert.That(ErlangList.Print(["{key_missing,routing_key}", "{key_missing,properties}", "{key_missing,payload}"]), Is.EqualTo("[{key_missing,routing_key},{key_missing,properties},{key_missing,payload}]"));
        Assert.That(ErlangList.Print(["{key_missing,properties}", "{key_missing,payload}", "{key_missing,payload_encoding}"]), Is.EqualTo("[{key_missing,properties},\n {key_missing,payload},\n {key_missing,payload_encoding}]"));
        Assert.That(ErlangList.Print([new string('x', 90)], 19), Is.EqualTo($"[{new string('x', 90)}]"));
    }

    /// <summary>What comes before the list on its line.</summary>
    private const string Prefix = "Unrecognised terms ";

    /// <summary>A line break and the column after the list's <c>[</c>.</summary>
    private const string Indent = "\n                    ";

    private static string Key(int length) => $"<<\"{new string('k', length)}\">>";

    private static string Unrecognised(params (string Key, string Value)[] pairs) => ErlangList.PrintPairs(pairs, Prefix.Length);
}
