using System.Text.Json.Nodes;
using AmqpBroker.Management.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>
/// A whole list is streamed to the response item by item; what it writes is exactly the answer the list query
/// gives, for plain, sorted, column-projected and paged requests, and a streamed item's JSON is not kept.
/// </summary>
public sealed class StreamedListTests
{
    private static readonly string[] Names = ["c", "a", "E", "b", "d"];

    [TestCase]
    [TestCase("sort", "n")]
    [TestCase("sort", "name", "sort_reverse", "true")]
    [TestCase("columns", "name,stats.rate")]
    [TestCase("page", "2", "page_size", "2")]
    public async Task The_written_answer_is_the_list_querys_answer(params string[] query)
    {
        var parameters = new QueryCollection(Enumerable.Range(0, query.Length / 2).ToDictionary(i => query[2 * i], i => new StringValues(query[(2 * i) + 1])));
        var expected = ListQuery.Parse(parameters).Apply(Source()).ToJsonString();

        var written = await WriteAsync(ListQuery.Parse(parameters), Source());

        Assert.That(written, Is.EqualTo(expected));
    }

    [Test]
    public async Task A_long_list_is_written_whole_across_many_flushes()
    {
        var items = Enumerable.Range(0, 20_000).Select(i => $"queue-{i:D6}").ToList();
        var source = new ListSource<string>(items, name => new JsonObject { ["name"] = name, ["padding"] = new string('x', 40) }, name => name, new Dictionary<string, Func<string, JsonNode?>>());

        var written = JsonNode.Parse(await WriteAsync(ListQuery.Parse(new QueryCollection()), source))!.AsArray();

        Assert.That(written, Has.Count.EqualTo(items.Count));
        Assert.That(written[^1]!["name"]!.GetValue<string>(), Is.EqualTo("queue-019999"));
    }

    private static ListSource<JsonObject> Source() =>
        ListSource.Of(Names.Select((name, index) => new JsonObject { ["name"] = name, ["n"] = index, ["stats"] = new JsonObject { ["rate"] = 10 - index } }));

    private static async Task<string> WriteAsync<T>(ListQuery query, ListSource<T> source)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await query.WriteAsync(context.Response, source);
        await context.Response.BodyWriter.FlushAsync();
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }
}
