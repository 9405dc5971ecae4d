using System.Net.Http.Headers;

namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Base of the admin API fixtures: the fixture's broker with an <see cref="HttpClient"/> logged in as the
/// default user, helpers that send JSON and read RabbitMQ's answers, and users and vhosts created for a
/// test removed after it. Against an external broker (<c>AMQP_URI</c>) the API is found at
/// <c>MANAGEMENT_URI</c> (e.g. http://127.0.0.1:15682/ for RabbitMQ), so expectations can be checked there too.
/// </summary>
public abstract class ManagementTestBase : BrokerTestBase
{
    private readonly List<string> _users = [];
    private readonly List<string> _virtualHosts = [];
    private readonly List<HttpClient> _clients = [];

    /// <summary>The admin API's base address.</summary>
    protected Uri ManagementUri { get; private set; } = null!;

    /// <summary>A client authenticated as guest/guest (an administrator).</summary>
    protected HttpClient Http { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartHttpClient()
    {
        if (Host is not null)
        {
            ManagementUri = Host.ManagementUri ?? throw new InvalidOperationException("the fixture's broker has no admin API");
        }
        else if (Environment.GetEnvironmentVariable("MANAGEMENT_URI") is { Length: > 0 } uri)
        {
            ManagementUri = new Uri(uri);
        }
        else
        {
            Assert.Ignore("AMQP_URI is set without MANAGEMENT_URI: no admin API to test");
        }

        Http = NewClient("guest", "guest");
    }

    [OneTimeTearDown]
    public void DisposeHttpClients()
    {
        Http?.Dispose();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _clients.Clear();
    }

    [TearDown]
    public async Task DeleteUsersAndVirtualHostsAsync()
    {
        foreach (var user in _users)
        {
            await SendAsync(HttpMethod.Delete, $"api/users/{Uri.EscapeDataString(user)}");
        }

        foreach (var virtualHost in _virtualHosts)
        {
            await SendAsync(HttpMethod.Delete, $"api/vhosts/{Uri.EscapeDataString(virtualHost)}");
        }

        _users.Clear();
        _virtualHosts.Clear();
    }

    /// <summary>A client with Basic credentials (or none when <paramref name="user"/> is null).</summary>
    protected HttpClient CreateClient(string? user, string password = "")
    {
        var client = NewClient(user, password);
        _clients.Add(client);
        return client;
    }

    /// <summary>
    /// How long one HTTP request may take: <see cref="BrokerTestBase.Timeout"/>, but 30 s against the broker at
    /// <c>AMQP_URI</c>, whose management API takes longer than that to list every queue while the whole suite runs.
    /// </summary>
    protected static TimeSpan RequestTimeout => IsExternal ? TimeSpan.FromSeconds(30) : Timeout;

    private HttpClient NewClient(string? user, string password)
    {
        var client = new HttpClient { BaseAddress = ManagementUri, Timeout = RequestTimeout };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return client;
    }

    /// <summary>Sends a request; <paramref name="body"/> is sent as JSON (a string is sent as it is).</summary>
    protected async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body = null, HttpClient? client = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            var text = body as string ?? (body as JsonNode ?? throw new ArgumentException("body must be a JSON node or a string", nameof(body))).ToJsonString();
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        using var response = await (client ?? Http).SendAsync(request);
        var content = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, content, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>GETs <paramref name="path"/> and returns its JSON, failing the test unless the answer is 200.</summary>
    protected async Task<JsonNode> GetJsonAsync(string path, HttpClient? client = null)
    {
        var response = await SendAsync(HttpMethod.Get, path, client: client);
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), $"GET {path}: {response.Body}");
        return response.Json!;
    }

    /// <summary>Sends and asserts the status; returns the response for further checks.</summary>
    protected async Task<ApiResponse> ExpectAsync(HttpStatusCode status, HttpMethod method, string path, object? body = null, HttpClient? client = null)
    {
        var response = await SendAsync(method, path, body, client);
        Assert.That(response.Status, Is.EqualTo(status), $"{method} {path}: {response.Body}");
        return response;
    }

    /// <summary>Asserts RabbitMQ's error shape: the status and a JSON body with "error" and "reason".</summary>
    protected static void AssertError(ApiResponse response, HttpStatusCode status, string error, string? reasonContains = null)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Status, Is.EqualTo(status), response.Body);
            Assert.That(response.ContentType, Is.EqualTo("application/json"), response.Body);
            var body = response.Json as JsonObject;
            Assert.That(body?["error"]?.GetValue<string>(), Is.EqualTo(error), response.Body);
            if (reasonContains is not null)
            {
                // RabbitMQ's reasons are mostly strings, some Erlang terms rendered as lists.
                var reason = body?["reason"] is JsonValue text && text.GetValueKind() == System.Text.Json.JsonValueKind.String ? text.GetValue<string>() : body?["reason"]?.ToJsonString();
                Assert.That(reason, Does.Contain(reasonContains), response.Body);
            }
        }
    }

    /// <summary>
    /// Asserts the 400 RabbitMQ gives for a policy or parameter its validation refuses: <c>Validation failed</c> and
    /// <paramref name="reason"/>, HTML-escaped by 3.10–4.1 (rabbit_mgmt_wm_parameter, rabbit_mgmt_wm_policy).
    /// </summary>
    protected void AssertValidationFailed(ApiResponse response, string reason)
    {
        var expected = Profile.ValidationReasonsHtmlEscaped ? reason.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal) : reason;
        AssertError(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.That(response.Json!["reason"]!.GetValue<string>(), Is.EqualTo($"Validation failed\n\n{expected}\n"));
    }

    /// <summary>Creates a user with a unique name, the given tags and full permissions on "/" unless told otherwise.</summary>
    protected async Task<(string Name, string Password)> CreateUserAsync(string tags, bool permissions = true)
    {
        var name = UniqueName("user");
        const string Password = "secret-password";
        TrackUser(name);
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/users/{Uri.EscapeDataString(name)}", new JsonObject { ["password"] = Password, ["tags"] = tags });
        if (permissions)
        {
            await SetPermissionsAsync(name, "/");
        }

        return (name, Password);
    }

    /// <summary>Full permissions for <paramref name="user"/> on <paramref name="virtualHost"/>.</summary>
    protected Task SetPermissionsAsync(string user, string virtualHost, string configure = ".*", string write = ".*", string read = ".*") =>
        ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/permissions/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(user)}",
            new JsonObject { ["configure"] = configure, ["write"] = write, ["read"] = read });

    protected string TrackUser(string name)
    {
        _users.Add(name);
        return name;
    }

    protected string TrackVirtualHost(string name)
    {
        _virtualHosts.Add(name);
        return name;
    }

    /// <summary>A fresh vhost named after <paramref name="what"/> (guest, its creator, has every permission on it) holding a queue named q.</summary>
    protected async Task<string> VirtualHostWithQueueAsync(string what)
    {
        var virtualHost = TrackVirtualHost(UniqueName(what));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/{Segment(virtualHost)}/q", "{}");
        return virtualHost;
    }

    /// <summary>A path segment: vhost "/" is "%2F", as RabbitMQ's API requires.</summary>
    protected static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary>Waits until <paramref name="queue"/> holds <paramref name="count"/> ready messages (AMQP publishes are not answered).</summary>
    protected Task WaitForReadyAsync(string queue, long count, string virtualHost = "/") =>
        EventuallyJsonAsync($"api/queues/{Segment(virtualHost)}/{Segment(queue)}", q => q["messages_ready"]?.GetValue<long>() == count, $"{count} messages are ready in {queue}");

    /// <summary>
    /// Polls <paramref name="path"/> until <paramref name="condition"/> holds for its JSON, and returns it; for as long as
    /// one request may take (<see cref="RequestTimeout"/>), since RabbitMQ's statistics lag as far behind under the whole suite.
    /// </summary>
    protected async Task<JsonNode> EventuallyJsonAsync(string path, Func<JsonNode, bool> condition, string what)
    {
        JsonNode? last = null;
        var reached = await EventuallyAsync(
            async () =>
            {
                var response = await SendAsync(HttpMethod.Get, path);
                last = response.Json;
                return response.Status == HttpStatusCode.OK && last is not null && condition(last);
            },
            RequestTimeout);
        Assert.That(reached, Is.True, $"{what}; last answer of {path}: {last?.ToJsonString()}");
        return last!;
    }
}

/// <summary>An admin API answer: status, raw body, headers, and the body as JSON when it is JSON.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, string? ContentType)
{
    /// <summary>
    /// How deep an answer may nest: RabbitMQ lists the queue arguments the fuzz tests send it, tables nested up to
    /// 20,000 deep, while they run (System.Text.Json stops at 64 by default).
    /// </summary>
    public static readonly System.Text.Json.JsonDocumentOptions Nesting = new() { MaxDepth = 100_000 };

    public JsonNode? Json { get; } = Parse(Body);

    private static JsonNode? Parse(string body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body, documentOptions: Nesting);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
