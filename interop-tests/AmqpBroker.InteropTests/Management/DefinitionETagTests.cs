namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// GET /api/definitions as a conditional request, from 4.3.5 (release-notes/4.3.5.md, Management Plugin enhancements,
/// #17121; rabbit_mgmt_wm_definitions:generate_etag and rabbit_mgmt_http_SUITE:definitions_etag_test0 at v4.3.5): the
/// export carries a strong ETag, a request naming it is answered 304 with no body, and a queue an AMQP client declares
/// makes a new tag. Earlier releases send no ETag (checked against RabbitMQ 3.10.8 too).
/// </summary>
[Releases("3.10", "4.2", "4.3")]
public sealed class DefinitionETagTests : ManagementTestBase
{
    [Test]
    public async Task A_request_naming_the_exports_tag_gets_304_until_a_definition_changes()
    {
        var first = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/definitions");
        if (!Profile.DefinitionsETag)
        {
            Assert.That(first.Headers.ETag, Is.Null);
            return;
        }

        var tag = first.Headers.ETag!;
        Assert.That(tag.IsWeak, Is.False);
        var notModified = await SendAsync(HttpMethod.Get, "api/definitions", configure: IfNoneMatch(tag.Tag));
        Assert.That((notModified.Status, notModified.Body), Is.EqualTo((HttpStatusCode.NotModified, "")));

        var queue = await DeclareQueueAsync(await OpenChannelAsync());

        var changed = await SendAsync(HttpMethod.Get, "api/definitions", configure: IfNoneMatch(tag.Tag));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(changed.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(changed.Headers.ETag?.Tag, Is.Not.EqualTo(tag.Tag));
            Assert.That(changed.Body, Does.Contain(queue));
        }
    }

    private static Action<HttpRequestMessage> IfNoneMatch(string tag) => request => request.Headers.TryAddWithoutValidation("If-None-Match", tag);
}
