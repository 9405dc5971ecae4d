using System.Net;
using AmqpBroker.Management.Tests.Http;

namespace AmqpBroker.Management.Tests.Definitions;

/// <summary>
/// Conditional GET of /api/definitions on the 4.3 profile (release-notes/4.3.5.md, #17121;
/// rabbit_mgmt_wm_definitions:generate_etag and rabbit_mgmt_http_SUITE:definitions_etag_test0 at v4.3.5): a strong,
/// quoted ETag with <c>cache-control: no-cache</c>, 304 with no body for an If-None-Match naming it (compared weakly, as
/// Cowboy does, or <c>*</c>), a new tag after any definition change, one per scope. Earlier profiles send no ETag.
/// </summary>
[TestFixture]
public sealed class DefinitionsETagTests : ReleaseServerTest
{
    [Test]
    public async Task The_export_carries_a_strong_quoted_tag_and_a_request_naming_it_gets_304_without_a_body()
    {
        using var http = await StartAsync("4.3");

        using var first = await http.GetAsync("api/definitions");
        var tag = first.Headers.ETag!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(tag.IsWeak, Is.False);
            Assert.That(tag.Tag, Does.Match("^\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\"$"));
            Assert.That(first.Headers.CacheControl!.NoCache, Is.True);
        }

        using var notModified = await GetAsync(http, "api/definitions", tag.Tag);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(await notModified.Content.ReadAsByteArrayAsync(), Is.Empty);
            Assert.That(notModified.Headers.ETag, Is.EqualTo(tag));
            Assert.That(notModified.Headers.CacheControl!.NoCache, Is.True);
            Assert.That(notModified.Content.Headers.ContentType, Is.Null);
        }
    }

    [TestCase("W/{0}")]
    [TestCase("\"other\", {0}")]
    [TestCase("*")]
    public async Task If_none_match_compares_weakly_and_takes_lists_and_a_star(string header)
    {
        using var http = await StartAsync("4.3");
        var tag = await TagAsync(http, "api/definitions");

        using var response = await GetAsync(http, "api/definitions", string.Format(System.Globalization.CultureInfo.InvariantCulture, header, tag));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [Test]
    public async Task A_definition_change_makes_a_new_tag_and_the_old_one_gets_the_whole_export()
    {
        using var http = await StartAsync("4.3");
        var tag = await TagAsync(http, "api/definitions");

        using (var declared = await http.PutAsync("api/queues/%2F/etag-q", new StringContent("{\"durable\":true}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.That(declared.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var response = await GetAsync(http, "api/definitions", tag);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.ETag!.Tag, Is.Not.EqualTo(tag));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("etag-q"));
        }
    }

    [Test]
    public async Task A_vhost_export_has_a_tag_of_its_own()
    {
        using var http = await StartAsync("4.3");
        var all = await TagAsync(http, "api/definitions");
        var vhost = await TagAsync(http, "api/definitions/%2F");

        using var notModified = await GetAsync(http, "api/definitions/%2F", vhost);
        using var otherScope = await GetAsync(http, "api/definitions/%2F", all);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(vhost, Is.Not.EqualTo(all));
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(otherScope.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
    }

    [TestCase("3.10")]
    [TestCase("4.2")]
    public async Task Earlier_profiles_send_no_tag_and_answer_the_whole_export(string release)
    {
        using var http = await StartAsync(release);

        using var response = await GetAsync(http, "api/definitions", "*");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.ETag, Is.Null);
        }
    }

    [Test]
    public async Task A_malformed_if_none_match_gets_the_whole_export()
    {
        using var http = await StartAsync("4.3");

        using var response = await GetAsync(http, "api/definitions", "not-quoted");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static async Task<string> TagAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return response.Headers.ETag!.Tag;
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await http.SendAsync(request);
    }
}
