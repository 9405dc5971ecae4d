namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The HTTP protocol level of the API as RabbitMQ 3.10.8 answers it (checked with curl against it): cowboy_rest answers
/// HEAD for any resource with GET, with the GET's status, headers and content-length and no body; an unknown path
/// (under /api or not) is 404 <c>{"error":"Object Not Found","reason":"Not Found"}</c> to GET with or without
/// credentials, and like a path serving HEAD and GET to other methods; a method the path does not allow is an empty 405
/// before credentials are asked for, its Allow header listing HEAD first and OPTIONS last; OPTIONS is 200 with that
/// header; a method cowboy does not know is 501. Every answer carries rabbitmq_management's default
/// content-security-policy (deps/rabbitmq_management/Makefile; 4.3.4 dropped 'unsafe-eval' and 'unsafe-inline',
/// release-notes/4.3.4.md, #16916) and varies on origin, and on accept and accept-encoding once authorised. A route's
/// JSON body is <c>cache-control: no-cache</c> (rabbit_mgmt_util:reply); other answers carry none before 4.0.5 and
/// <c>public, max-age=0, must-revalidate</c> from it (rabbit_mgmt_headers:set_etag_based_cache_headers, commit ce760c688b).
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

    [TestCase("GET", "api/overview", "no-cache")]
    [TestCase("GET", "api/queues/%2F/no-such-queue", null)]
    [TestCase("GET", "api/nonexistent", null)]
    [TestCase("PUT", "api/vhosts/%2F", null)]
    [TestCase("OPTIONS", "api/overview", null)]
    public async Task Cache_control_is_no_cache_on_json_bodies_and_the_releases_default_elsewhere(string method, string path, string? json)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var sent = response.Headers.NonValidated.TryGetValues("cache-control", out var values) ? string.Join(", ", values) : null;
        Assert.That(sent, Is.EqualTo(json ?? Profile.ManagementCacheControl), $"{method} {path}: {(int)response.StatusCode}");
    }

    /// <summary>Answers that do not change between two requests, so their lengths can be compared.</summary>
    [TestCase("api/whoami")]
    [TestCase("api/nonexistent")]
    [TestCase("api/queues/%2F/no-such-queue")]
    public async Task Head_carries_the_length_of_the_get_body(string path)
    {
        using var get = await Http.GetAsync(path);
        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo((await get.Content.ReadAsByteArrayAsync()).Length));
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

    [TestCase("api/overview", "PATCH", "HEAD, GET, OPTIONS")]
    [TestCase("api/queues/%2F/q", "PATCH", "HEAD, GET, PUT, DELETE, OPTIONS")]
    [TestCase("api/definitions", "DELETE", "HEAD, GET, POST, OPTIONS")]
    [TestCase("api/users/bulk-delete", "PUT", "POST, OPTIONS")]
    [TestCase("api/nonexistent", "POST", "HEAD, GET, OPTIONS")]
    [TestCase("nonexistent", "DELETE", "HEAD, GET, OPTIONS")]
    [TestCase("", "PUT", "HEAD, GET, OPTIONS")]
    public async Task Options_is_200_and_a_method_the_path_does_not_allow_an_empty_405_with_allow_before_credentials(string path, string method, string allow)
    {
        var client = CreateClient(null);
        foreach (var (sent, status) in new[] { (HttpMethod.Options, HttpStatusCode.OK), (new HttpMethod(method), HttpStatusCode.MethodNotAllowed) })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(sent, path));

            Assert.That(response.StatusCode, Is.EqualTo(status), sent.Method);
            Assert.That(string.Join(", ", response.Content.Headers.Allow), Is.EqualTo(allow), sent.Method);
            Assert.That((response.Content.Headers.ContentLength, await response.Content.ReadAsStringAsync()), Is.EqualTo(((long?)0, "")), sent.Method);
        }
    }

    [TestCase("FOO", "api/overview")]
    [TestCase("FOO", "nonexistent")]
    public async Task A_method_cowboy_does_not_know_is_501(string method, string path)
    {
        using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.That((response.StatusCode, await response.Content.ReadAsStringAsync()), Is.EqualTo((HttpStatusCode.NotImplemented, "")));
    }

    [TestCase("api/overview", true, "accept, accept-encoding, origin")]
    [TestCase("api/queues/%2F/no-such-queue", true, "accept, accept-encoding, origin")]
    [TestCase("api/vhost-limits", true, "accept-encoding, origin")]
    [TestCase("api/operator-policies/%2F", true, "accept-encoding, origin")]
    [TestCase("api/topic-permissions", true, "accept-encoding, origin")]
    [TestCase("api/topic-permissions/%2F/no-such-user", true, "accept-encoding, origin")]
    [TestCase("api/overview", false, "origin")]
    [TestCase("api/nonexistent", true, "origin")]
    public async Task Answers_carry_the_releases_content_security_policy_and_vary(string path, bool credentials, string vary)
    {
        var response = await SendAsync(HttpMethod.Get, path, client: credentials ? Http : CreateClient(null));

        Assert.That(response.Headers.Vary.ToString(), Is.EqualTo(vary));
        Assert.That(response.Headers.GetValues("content-security-policy").Single(), Is.EqualTo(RabbitMQVersion == "4.3"
            ? "script-src 'self'; object-src 'self'"
            : "script-src 'self' 'unsafe-eval' 'unsafe-inline'; object-src 'self'"));
    }
}
