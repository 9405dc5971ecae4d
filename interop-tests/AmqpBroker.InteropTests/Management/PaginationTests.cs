namespace AmqpBroker.InteropTests.Management;

/// <summary>RabbitMQ's list parameters: sort, sort_reverse, columns, and page/page_size/name/use_regex.</summary>
public sealed class PaginationTests : ManagementTestBase
{
    private string _prefix = "";

    [SetUp]
    public async Task DeclareQueuesAsync()
    {
        _prefix = UniqueName("page");
        var channel = await OpenChannelAsync();
        foreach (var suffix in new[] { "c", "a", "e", "b", "d" })
        {
            var name = Track($"{_prefix}-{suffix}");
            await channel.QueueDeclareAsync(name, durable: false, exclusive: false, autoDelete: false);
        }

        await PublishAsync(channel, $"{_prefix}-e", "1", "2", "3");
        await PublishAsync(channel, $"{_prefix}-a", "1");
        await WaitForReadyAsync($"{_prefix}-e", 3);
        await WaitForReadyAsync($"{_prefix}-a", 1);
    }

    [Test]
    public async Task A_page_carries_the_counts_and_only_its_items()
    {
        var page = await GetJsonAsync($"api/queues/%2F?page=2&page_size=2&name={Uri.EscapeDataString(_prefix)}&columns=name");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(page["filtered_count"]!.GetValue<int>(), Is.EqualTo(5));
            Assert.That(page["item_count"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(page["page"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(page["page_count"]!.GetValue<int>(), Is.EqualTo(3));
            Assert.That(page["page_size"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(page["total_count"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(5));
            Assert.That(Names(page["items"]!), Is.EqualTo(new[] { $"{_prefix}-c", $"{_prefix}-d" }));
            Assert.That(page["items"]![0]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "name" }), "columns=name keeps only the name");
        }
    }

    [Test]
    public async Task The_name_filter_is_a_case_insensitive_substring_or_a_regular_expression()
    {
        var substring = await GetJsonAsync($"api/queues/%2F?page=1&name={Uri.EscapeDataString(_prefix.ToUpperInvariant() + "-B")}");
        Assert.That(Names(substring["items"]!), Is.EqualTo(new[] { $"{_prefix}-b" }));

        var regex = await GetJsonAsync($"api/queues/%2F?page=1&use_regex=true&name={Uri.EscapeDataString("^" + System.Text.RegularExpressions.Regex.Escape(_prefix) + "-[ace]$")}");
        Assert.That(Names(regex["items"]!), Is.EqualTo(new[] { $"{_prefix}-a", $"{_prefix}-c", $"{_prefix}-e" }));
    }

    [Test]
    public async Task Sorting_by_a_nested_field_and_reversing_it()
    {
        var sorted = await GetJsonAsync($"api/queues/%2F?page=1&name={Uri.EscapeDataString(_prefix)}&sort=messages&sort_reverse=true&columns=name,messages");
        var items = sorted["items"]!.AsArray();
        Assert.That(Names(items).Take(2), Is.EqualTo(new[] { $"{_prefix}-e", $"{_prefix}-a" }));
        Assert.That(items.Select(i => i!["messages"]!.GetValue<long>()), Is.Ordered.Descending);

        var byName = (await GetJsonAsync("api/queues/%2F?sort=name&sort_reverse=true&columns=name")).AsArray();
        var mine = Names(byName).Where(n => n.StartsWith(_prefix, StringComparison.Ordinal)).ToList();
        Assert.That(mine, Is.EqualTo(new[] { "e", "d", "c", "b", "a" }.Select(s => $"{_prefix}-{s}")));

        // RabbitMQ emits a queue's message_stats apart from its message counts, so they may come a moment later.
        var nested = await EventuallyJsonAsync(
            "api/queues/%2F?columns=name,message_stats.publish", queues => PublishedTo(queues, $"{_prefix}-e") is not null, "message_stats of the queue are listed");
        Assert.That(PublishedTo(nested, $"{_prefix}-e"), Is.EqualTo(3), "a dotted column keeps its nesting");
    }

    [Test]
    public async Task Bad_pagination_parameters_are_RabbitMQs_400s()
    {
        AssertError(await SendAsync(HttpMethod.Get, "api/queues/%2F?page=0"), HttpStatusCode.BadRequest, "invalid_pagination_parameters");
        AssertError(await SendAsync(HttpMethod.Get, "api/queues/%2F?page=1&page_size=501"), HttpStatusCode.BadRequest, "invalid_pagination_parameters");
        AssertError(await SendAsync(HttpMethod.Get, "api/queues/%2F?page=x"), HttpStatusCode.BadRequest, "bad_request", "Pagination parameters are invalid");
        AssertError(await SendAsync(HttpMethod.Get, "api/queues/%2F?page=1&use_regex=true&name=("), HttpStatusCode.BadRequest, "bad_request");
        AssertError(await SendAsync(HttpMethod.Get, $"api/queues/%2F?page=9&page_size=2&name={Uri.EscapeDataString(_prefix)}"),
            HttpStatusCode.BadRequest, "page_out_of_range", "Page out of range, page: 9 page size: 2, len: 5");
        var empty = await GetJsonAsync("api/queues/%2F?page=1&name=no-such-queue-anywhere");
        Assert.That((empty["filtered_count"]!.GetValue<int>(), empty["page_count"]!.GetValue<int>()), Is.EqualTo((0, 0)));
    }

    private static List<string> Names(JsonNode items) => [.. items.AsArray().Select(i => i!["name"]!.GetValue<string>())];

    /// <summary>The publish count a queue list shows for <paramref name="queue"/>, or null while its message_stats are not there yet.</summary>
    private static long? PublishedTo(JsonNode queues, string queue) =>
        queues.AsArray().Single(q => q!["name"]!.GetValue<string>() == queue)!["message_stats"]?["publish"]?.GetValue<long>();
}
