namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// HEAD, unknown paths and disallowed methods, as RabbitMQ 3.10.8 answers them (checked with curl against it):
/// cowboy_rest answers HEAD for any resource with GET, with the GET's status and headers and no body; an unknown path
/// (under /api or not) is 404 <c>{"error":"Object Not Found","reason":"Not Found"}</c> with or without credentials; a
/// method the path does not allow is 405 before credentials are asked for, its Allow header listing HEAD first.
/// </summary>
public sealed class HeadAndUnknownPathTests : ManagementTestBase
{
    [TestCase("api/overview")]
    [TestCase("api/queues")]
    [TestCase("api/exchanges/%2F/amq.direct")]
    [TestCase("api/whoami")]
    public async Task Head_answers_a_get_resource_with_its_status_and_content_type_and_no_body(string path)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [TestCase("api/nonexistent", true)]
    [TestCase("api/nonexistent", false)]
    [TestCase("nonexistent", false)]
    public async Task An_unknown_path_is_404_object_not_found_with_or_without_credentials(string path, bool credentials)
    {
        var response = await SendAsync(HttpMethod.Get, path, client: credentials ? Http : CreateClient(null));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Body, Is.EqualTo("""{"error":"Object Not Found","reason":"Not Found"}"""));
    }

    /// <summary>RabbitMQ also lists OPTIONS, which it answers and we do not (a 405 here), so it is left out of the comparison.</summary>
    [TestCase("api/overview", "HEAD, GET")]
    [TestCase("api/queues/%2F/q", "HEAD, GET, PUT, DELETE")]
    public async Task A_method_the_path_does_not_allow_is_405_with_allow_before_credentials(string path, string allow)
    {
        using var client = CreateClient(null);
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, path));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(string.Join(", ", response.Content.Headers.Allow.Where(method => method != "OPTIONS")), Is.EqualTo(allow));
    }
}
