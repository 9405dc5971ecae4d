using System.Net;
using System.Text;
using System.Text.Json;
using AmqpBroker.Management.Http;
using AmqpBroker.Management.Security;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>
/// Bad input over every route the API registers (walked from its endpoints, so a new route is swept too): odd
/// percent-encodings in each path value, bodies that are not JSON, not objects or full of wrong types, and users
/// with each tag short of administrator. Never a 500; every error a JSON body with <c>error</c> and <c>reason</c>;
/// a user without the tag a route needs is refused with RabbitMQ's 401. Also as RabbitMQ 3.10.8 answers them (checked
/// with curl): HEAD on every GET route, which cowboy_rest answers for any resource with GET, with the GET's status and
/// headers and no body; an unknown path, under /api or not, with credentials or without, 404
/// <c>{"error":"Object Not Found","reason":"Not Found"}</c>; a method the path does not allow, 405 before credentials
/// are asked for, with an empty body and an Allow header listing HEAD first ("HEAD, GET, OPTIONS" on /api/overview); OPTIONS,
/// 200 with that Allow header on every path, known or not.
/// </summary>
[TestFixture]
public sealed class RouteSweepTests
{
    private static readonly string[] OddEncodings = ["%ZZ", "%", "%2", "..", "%2e%2E", "a%2Fb", "%25", "%C3%28", "%FF"];

    private static readonly string[] Bodies =
    [
        "{bad", "[1,2]", "\"text\"", "null", "17", "{\"a\":{\"b\":",
        """{"durable":"maybe","auto_delete":5,"arguments":"x","tags":5,"password":5,"password_hash":[],"type":5,"configure":5,"write":[],"read":{},"value":"x","pattern":5,"definition":5,"priority":"x","apply-to":5,"routing_key":5,"payload":5,"payload_encoding":5,"properties":5,"count":"x","ackmode":5,"encoding":[],"truncate":"x","exchange":5,"destination":5,"description":5,"max-connections":"x","vhost":5,"user":5,"component":5,"name":5}""",
    ];

    /// <summary>The order of cowboy_rest's Allow header as RabbitMQ 3.10.8's resources list their methods.</summary>
    private static readonly string[] RabbitOrder = ["HEAD", "GET", "PUT", "POST", "DELETE", "OPTIONS"];

    private ApiTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await ApiTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    [Test]
    public async Task Odd_percent_encodings_in_every_path_value_are_never_a_500()
    {
        using var http = Client("guest", "guest");
        var failures = new List<string>();
        foreach (var (method, pattern, _) in _server.Routes())
        {
            for (var slot = 0; slot < ParameterCount(pattern); slot++)
            {
                foreach (var odd in OddEncodings)
                {
                    await CheckAsync(http, method, ApiTestServer.Fill(pattern, slot, odd), method is "PUT" or "POST" ? "{}" : null, failures);
                }
            }
        }

        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures));
        Assert.That(_server.Errors, Is.Empty, "errors logged");
    }

    [Test]
    public async Task Bodies_that_are_not_json_objects_or_hold_wrong_types_are_never_a_500()
    {
        using var http = Client("guest", "guest");
        var failures = new List<string>();
        foreach (var (method, pattern, _) in _server.Routes().Where(r => r.Method is "PUT" or "POST"))
        {
            foreach (var body in Bodies)
            {
                await CheckAsync(http, method, ApiTestServer.Fill(pattern, -1, ""), body, failures);
            }
        }

        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures));
        Assert.That(_server.Errors, Is.Empty, "errors logged");
    }

    [TestCase("none")]
    [TestCase("management")]
    [TestCase("policymaker")]
    [TestCase("monitoring")]
    public async Task A_user_without_the_tag_a_route_needs_is_refused_with_401(string tag)
    {
        using var http = Client($"sweep-{tag}", ApiTestServer.Password);
        var failures = new List<string>();
        foreach (var (method, pattern, access) in _server.Routes())
        {
            var path = ApiTestServer.Fill(pattern, -1, "");
            var (status, _) = await CheckAsync(http, method, path, method is "PUT" or "POST" ? "{}" : null, failures);
            if (!Allows(tag, access) && status != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{method} {path} ({access}) as {tag}: {(int)status}, not 401");
            }
        }

        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// RabbitMQ 3.10.8's answers (checked with curl): 400 without a body for a malformed escape, a
    /// dot segment resolved before routing (so PUT .../%2F/.. is a PUT on the queue list: 405). <c>%00</c> is refused
    /// by Kestrel before any middleware runs (400, no body), where RabbitMQ takes it as a name: Kestrel has no switch for it.
    /// </summary>
    [TestCase("GET", "api/queues/%2F/%ZZ", HttpStatusCode.BadRequest)]
    [TestCase("PUT", "api/exchanges/%2F/%", HttpStatusCode.BadRequest)]
    [TestCase("DELETE", "api/users/%2", HttpStatusCode.BadRequest)]
    [TestCase("PUT", "api/vhosts/%2", HttpStatusCode.BadRequest)]
    [TestCase("PUT", "api/queues/%2F/..", HttpStatusCode.MethodNotAllowed)]
    [TestCase("DELETE", "api/queues/%2F/%2e%2e", HttpStatusCode.MethodNotAllowed)]
    [TestCase("GET", "api/queues/%2F/..", HttpStatusCode.OK)]
    public async Task Path_escapes_and_dot_segments_are_answered_as_rabbitmq_answers_them(string method, string path, HttpStatusCode expected)
    {
        using var http = Client("guest", "guest");
        var failures = new List<string>();

        var (status, text) = await CheckAsync(http, method, path, method == "PUT" ? "{}" : null, failures);

        Assert.That(status, Is.EqualTo(expected), text);
        Assert.That(text, expected == HttpStatusCode.BadRequest ? Is.Empty : Is.Not.Null);
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task A_nul_escape_is_refused_by_kestrel_before_the_api_sees_it()
    {
        using var http = Client("guest", "guest");

        var (status, text) = await CheckAsync(http, "PUT", "api/vhosts/%00", "{}", []);

        Assert.That((status, text), Is.EqualTo((HttpStatusCode.BadRequest, "")));
    }

    [Test]
    public void The_sweep_walks_the_registered_routes() =>
        Assert.That(_server.Routes().Select(r => $"{r.Method} {r.Pattern}").ToList(), Has.Member("PUT /api/queues/{vhost}/{queue}").And.Member("DELETE /api/users/{user}").And.Count.GreaterThan(100));

    [Test]
    public async Task Every_get_route_answers_head_with_the_get_status_content_type_and_length_and_no_body()
    {
        using var http = Client("guest", "guest");
        var failures = new List<string>();
        var answered = 0;
        foreach (var (_, pattern, _) in _server.Routes().Where(r => r.Method == "GET"))
        {
            var path = ApiTestServer.Fill(pattern, -1, "");
            using var get = await http.GetAsync(path);
            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            var body = await head.Content.ReadAsByteArrayAsync();
            var getLength = (await get.Content.ReadAsByteArrayAsync()).Length;
            if (head.StatusCode != get.StatusCode || body.Length != 0 || head.Content.Headers.ContentType?.MediaType != get.Content.Headers.ContentType?.MediaType
                || head.Content.Headers.ContentLength is not { } length || (length != getLength && !IsChanging(path)))
            {
                failures.Add($"HEAD {path}: {(int)head.StatusCode} {head.Content.Headers.ContentType}, {body.Length} bytes, length {head.Content.Headers.ContentLength}; GET {(int)get.StatusCode} {get.Content.Headers.ContentType}, {getLength} bytes");
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
        using var http = credentials ? Client("guest", "guest") : new HttpClient { BaseAddress = _server.Address };

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

    /// <summary>
    /// OPTIONS on every path a route serves, and a method it does not: 200 and 405, no body, no credentials asked for, the
    /// pattern's own methods in the Allow header with OPTIONS last (cowboy_rest's options/2 and allowed_methods;
    /// rabbit_mgmt_util:is_authorized lets OPTIONS through). PATCH is served by no route.
    /// </summary>
    [Test]
    public async Task Options_and_a_method_not_served_answer_every_route_with_its_own_methods_and_no_credentials()
    {
        using var http = new HttpClient { BaseAddress = _server.Address };
        var failures = new List<string>();
        foreach (var route in _server.Routes().GroupBy(r => r.Pattern))
        {
            var path = ApiTestServer.Fill(route.Key, -1, "");
            var methods = route.Select(r => r.Method).Append("OPTIONS").ToHashSet();
            var expected = string.Join(", ", RabbitOrder.Where(m => methods.Contains(m) || (m == "HEAD" && methods.Contains("GET"))));
            foreach (var (method, status) in new[] { (HttpMethod.Options, HttpStatusCode.OK), (HttpMethod.Patch, HttpStatusCode.MethodNotAllowed) })
            {
                using var response = await http.SendAsync(new HttpRequestMessage(method, path));
                var allow = string.Join(", ", response.Content.Headers.Allow);
                if (response.StatusCode != status || response.Content.Headers.ContentLength != 0 || allow != expected)
                {
                    failures.Add($"{method} {path}: {(int)response.StatusCode}, allow {allow}, expected {expected}");
                }
            }
        }

        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures));
    }

    /// <summary>cowboy_rest answers a method outside its known_methods 501 with no body, before anything else (RabbitMQ 3.10.8).</summary>
    [TestCase("TRACE", "api/overview")]
    [TestCase("FOO", "api/queues/%2F/q")]
    [TestCase("FOO", "nonexistent")]
    public async Task A_method_cowboy_does_not_know_is_501(string method, string path)
    {
        using var http = new HttpClient { BaseAddress = _server.Address };

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.That((response.StatusCode, await response.Content.ReadAsStringAsync()), Is.EqualTo((HttpStatusCode.NotImplemented, "")));
    }

    [TestCase("api/nonexistent")]
    [TestCase("")]
    public async Task Options_answers_any_other_path_as_a_static_file(string path)
    {
        using var http = new HttpClient { BaseAddress = _server.Address };

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Options, path));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(string.Join(", ", response.Content.Headers.Allow), Is.EqualTo("HEAD, GET, OPTIONS"));
    }

    /// <summary>Sends one request; a 5xx, or an error without a JSON error and reason, is a failure.</summary>
    private static async Task<(HttpStatusCode, string)> CheckAsync(HttpClient http, string method, string path, string? body, List<string> failures)
    {
        // Sent exactly as written: Uri would otherwise escape a lone % and resolve dot segments on the client.
        var target = new Uri(http.BaseAddress + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(method), target);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var what = $"{method} {path} {body}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 200)]}";
        if (IsFailedHealthCheck(path, text))
        {
            return (response.StatusCode, text);
        }

        if ((int)response.StatusCode >= 500)
        {
            failures.Add(what);
        }
        else if ((int)response.StatusCode >= 400 && response.StatusCode != HttpStatusCode.MethodNotAllowed && !IsJsonError(text) && !IsMalformedPathAnswer(path, response.StatusCode, text))
        {
            failures.Add($"no JSON error and reason: {what}");
        }

        return (response.StatusCode, text);
    }

    /// <summary>A malformed escape in the path is cowboy_router's 400 without a body (see <see cref="RequestPath"/>).</summary>
    private static bool IsMalformedPathAnswer(string path, HttpStatusCode status, string text) =>
        status == HttpStatusCode.BadRequest && text.Length == 0 && RequestPath.Normalize("/" + path.Split('?')[0]) is null;

    /// <summary>Answers that hold times, rates or sizes of the process, which may differ from one request to the next.</summary>
    private static bool IsChanging(string path) => path.StartsWith("api/overview", StringComparison.Ordinal) || path.StartsWith("api/nodes", StringComparison.Ordinal);

    /// <summary>A health check that fails answers 503 with its reason, as RabbitMQ's do: that is its job, not an error.</summary>
    private static bool IsFailedHealthCheck(string path, string text) =>
        path.StartsWith("api/health/checks/", StringComparison.Ordinal) && text.Contains("\"status\":\"failed\"", StringComparison.Ordinal);

    private static bool IsJsonError(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out _) && json.RootElement.TryGetProperty("reason", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int ParameterCount(string pattern) => pattern.Count(c => c == '{');

    private static bool Allows(string tag, Access access) => access switch
    {
        Access.Management => tag != "none",
        Access.Monitoring => tag == "monitoring",
        Access.Policymaker => tag == "policymaker",
        _ => false,
    };

    private HttpClient Client(string user, string password) => _server.Client(user, password);
}
