using System.Net;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>
/// HEAD on every GET route, a path no route serves, and a method a path does not allow, answered as RabbitMQ 3.10.8
/// answers them (checked with curl): cowboy_rest answers HEAD for any resource with GET, with the GET's status and
/// headers and no body; an unknown path, under /api or not, with credentials or without, is 404
/// <c>{"error":"Object Not Found","reason":"Not Found"}</c>; a method the path does not allow is 405 before
/// credentials are asked for, with an Allow header listing HEAD first ("HEAD, GET, OPTIONS" on /api/overview).
/// </summary>
[TestFixture]
public sealed class HeadRequestTests
{
    private ApiTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await ApiTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    [Test]
    public async Task Every_get_route_answers_head_with_the_get_status_and_content_type_and_no_body()
    {
        using var http = _server.Client("guest", "guest");
        var failures = new List<string>();
        var answered = 0;
        foreach (var (_, pattern, _) in _server.Routes().Where(r => r.Method == "GET"))
        {
            var path = ApiTestServer.Fill(pattern, -1, "");
            using var get = await http.GetAsync(path);
            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            var body = await head.Content.ReadAsByteArrayAsync();
            if (head.StatusCode != get.StatusCode || body.Length != 0 || head.Content.Headers.ContentType?.MediaType != get.Content.Headers.ContentType?.MediaType)
            {
                failures.Add($"HEAD {path}: {(int)head.StatusCode} {head.Content.Headers.ContentType}, {body.Length} bytes; GET {(int)get.StatusCode} {get.Content.Headers.ContentType}");
            }

            answered += head.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures));
        Assert.That(answered, Is.GreaterThan(20), "routes that answered HEAD 200");
        Assert.That(_server.Errors, Is.Empty, "errors logged");
    }

    [TestCase("api/nonexistent", true)]
    [TestCase("api/nonexistent", false)]
    [TestCase("api/nonexistent/deeper", false)]
    [TestCase("nonexistent", false)]
    public async Task An_unknown_path_is_404_object_not_found_with_or_without_credentials(string path, bool credentials)
    {
        using var http = credentials ? _server.Client("guest", "guest") : new HttpClient { BaseAddress = _server.Address };

        using var response = await http.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""{"error":"Object Not Found","reason":"Not Found"}"""));
    }

    [Test]
    public async Task A_path_known_without_credentials_is_still_a_401_challenge()
    {
        using var http = new HttpClient { BaseAddress = _server.Address };

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "api/overview"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic"));
    }

    [TestCase("api/overview", "HEAD, GET")]
    [TestCase("api/queues/%2F/q", "HEAD, GET, PUT, DELETE")]
    [TestCase("api/definitions", "HEAD, GET, POST")]
    public async Task A_method_the_path_does_not_allow_is_405_with_allow_before_credentials(string path, string allow)
    {
        using var http = new HttpClient { BaseAddress = _server.Address };

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Patch, path));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(string.Join(", ", response.Content.Headers.Allow), Is.EqualTo(allow));
    }
}
