using System.Text.Json.Nodes;
using AmqpBroker.Management.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AmqpBroker.Management.Tests.Http;

public sealed class ListQueryTests
{
    private static readonly string[] Names = ["c", "a", "E", "b", "d"];

    private static IEnumerable<JsonObject> Items() =>
        Names.Select((name, index) => new JsonObject { ["name"] = name, ["n"] = index, ["stats"] = new JsonObject { ["rate"] = 10 - index } });

    private static JsonNode Apply(params (string Key, string Value)[] query) =>
        ListQuery.Parse(new QueryCollection(query.ToDictionary(p => p.Key, p => new StringValues(p.Value)))).Apply(Items());

    private static string[] NamesOf(JsonNode list) => [.. list.AsArray().Select(i => i!["name"]!.GetValue<string>())];

    [Test]
    public void Without_parameters_the_items_keep_their_order_as_a_plain_list() =>
        Assert.That(NamesOf(Apply()), Is.EqualTo(Names));

    [Test]
    public void Sorts_by_a_dotted_path_and_reverses()
    {
        Assert.That(NamesOf(Apply(("sort", "stats.rate"))), Is.EqualTo(new[] { "d", "b", "E", "a", "c" }));
        Assert.That(NamesOf(Apply(("sort", "name"), ("sort_reverse", "true"))), Is.EqualTo(new[] { "d", "c", "b", "a", "E" }), "ordinal, as Erlang compares binaries");
    }

    [Test]
    public void Numbers_sort_before_strings_and_missing_values_between_them()
    {
        var items = new[] { new JsonObject { ["v"] = "x" }, new JsonObject(), new JsonObject { ["v"] = 2 }, new JsonObject { ["v"] = 1.5 } };
        var sorted = ListQuery.Parse(new QueryCollection(new Dictionary<string, StringValues> { ["sort"] = "v" })).Apply(items).AsArray();
        Assert.That(sorted.Select(i => i!["v"]?.ToJsonString()), Is.EqualTo(new[] { "1.5", "2", null, "\"x\"" }));
    }

    [Test]
    public void Columns_keep_only_the_named_paths_with_their_nesting()
    {
        var first = Apply(("columns", "name,stats.rate"))[0]!.AsObject();
        Assert.That(first.ToJsonString(), Is.EqualTo("""{"name":"c","stats":{"rate":10}}"""));
    }

    [Test]
    public void A_page_reports_RabbitMQs_counts()
    {
        var page = Apply(("page", "2"), ("page_size", "2"));
        Assert.That(page.ToJsonString(), Is.EqualTo(
            """{"filtered_count":5,"item_count":2,"items":[{"name":"E","n":2,"stats":{"rate":8}},{"name":"b","n":3,"stats":{"rate":7}}],"page":2,"page_count":3,"page_size":2,"total_count":5}"""));
    }

    [TestCase("e", false, new[] { "E" })]
    [TestCase("^[a-c]$", true, new[] { "c", "a", "b" })]
    [TestCase("^E$", true, new[] { "E" })]
    public void The_name_filter_is_case_insensitive(string name, bool regex, string[] expected)
    {
        var page = Apply(("page", "1"), ("name", name), ("use_regex", regex ? "true" : "false"));
        Assert.That(NamesOf(page["items"]!), Is.EqualTo(expected));
        Assert.That(page["total_count"]!.GetValue<int>(), Is.EqualTo(5));
    }

    [TestCase("0", null, "invalid_pagination_parameters")]
    [TestCase("1", "0", "invalid_pagination_parameters")]
    [TestCase("1", "501", "invalid_pagination_parameters")]
    [TestCase("x", null, "bad_request")]
    [TestCase("1", "y", "bad_request")]
    [TestCase("4", "2", "page_out_of_range")]
    public void Bad_pagination_is_a_400(string page, string? pageSize, string error)
    {
        var query = new List<(string, string)> { ("page", page) };
        if (pageSize is not null)
        {
            query.Add(("page_size", pageSize));
        }

        var ex = Assert.Throws<ApiException>(() => Apply([.. query]));
        Assert.That((ex.Status, ex.Error), Is.EqualTo((400, error)));
    }

    [Test]
    public void The_first_page_of_nothing_is_empty_not_out_of_range()
    {
        var page = Apply(("page", "1"), ("name", "zzz"));
        Assert.That((page["filtered_count"]!.GetValue<int>(), page["page_count"]!.GetValue<int>(), page["items"]!.AsArray().Count), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public void An_invalid_regular_expression_is_a_400() =>
        Assert.That(Assert.Throws<ApiException>(() => Apply(("page", "1"), ("name", "("), ("use_regex", "true")))!.Status, Is.EqualTo(400));

    /// <summary>
    /// A regular expression that exhausts its match budget matches nothing, and the list is still answered: PCRE's
    /// match limit makes RabbitMQ's re:run answer nomatch (checked against RabbitMQ 3.10.8; rabbit_mgmt_util:match_value
    /// at v4.2.6, #16074, maps {error, _} to false).
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void A_regular_expression_out_of_budget_matches_nothing(bool limited)
    {
        var items = new[] { new JsonObject { ["name"] = new string('a', 40) + "!" }, new JsonObject { ["name"] = "aa" } };
        var query = new QueryCollection(new Dictionary<string, StringValues> { ["page"] = "1", ["use_regex"] = "true", ["name"] = "^(a|aa)+$" });
        var page = ListQuery.Parse(query, limited).Apply(items);
        Assert.That(NamesOf(page["items"]!), Is.EqualTo(new[] { "aa" }));
    }

    /// <summary>
    /// Where the name filter is limited (release-notes/4.2.6.md, #16074; rabbit_mgmt_util:validate_name_filter at v4.2.6),
    /// a regular expression over 1024 bytes is refused, with or without page; a substring filter is not.
    /// </summary>
    [TestCase(true, true, 1025, true)]
    [TestCase(false, true, 1025, true)]
    [TestCase(true, true, 1024, false)]
    [TestCase(true, false, 2000, false)]
    public void A_long_name_regex_is_refused_where_limited(bool paged, bool regex, int length, bool refused)
    {
        var query = new Dictionary<string, StringValues> { ["name"] = new string('x', length), ["use_regex"] = regex ? "true" : "false" };
        if (paged)
        {
            query["page"] = "1";
        }

        var collection = new QueryCollection(query);
        Assert.That(() => ListQuery.Parse(collection, limitNameRegex: false).Apply(Items()), Throws.Nothing, "unlimited");
        if (refused)
        {
            var ex = Assert.Throws<ApiException>(() => ListQuery.Parse(collection, limitNameRegex: true));
            Assert.That((ex!.Status, ex.Error, ex.Reason), Is.EqualTo((400, "invalid_pagination_parameters", "name filter regex is too long")));
        }
        else
        {
            Assert.That(() => ListQuery.Parse(collection, limitNameRegex: true).Apply(Items()), Throws.Nothing);
        }
    }
}
