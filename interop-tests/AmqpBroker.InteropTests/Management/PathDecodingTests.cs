using System.Net.Sockets;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// How the admin API reads a request path, as RabbitMQ 3.10.8's web server does (each case run against it):
/// a malformed percent-escape is cowboy_router's 400 with no body and none of the management listener's headers
/// (Cowboy 2.8.0 to 2.18.0, which RabbitMQ 3.10 to 4.3 ship, all reply so), <c>.</c> and <c>..</c> segments are resolved
/// before routing (so <c>/api/queues/%2F/..</c> is the queue list, where PUT is a 405).
/// The paths are sent byte for byte over a socket: .NET's <see cref="Uri"/> would re-escape or resolve them first.
/// </summary>
public sealed class PathDecodingTests : ManagementTestBase
{
    [TestCase("GET", "api/queues/%2F/%ZZ")]
    [TestCase("GET", "api/queues/%2F/%")]
    [TestCase("GET", "api/queues/%2F/%2")]
    [TestCase("PUT", "api/queues/%2F/q%2")]
    [TestCase("PUT", "api/vhosts/x%ZZ")]
    [TestCase("GET", "api/exchanges/%2F/%ZZ/bindings/source")]
    public async Task A_malformed_escape_is_a_bare_400(string method, string path)
    {
        var (status, body, headers) = await SendRawAsync(method, path);

        Assert.That((status, body), Is.EqualTo((HttpStatusCode.BadRequest, "")));
        Assert.That(headers, Does.Not.Contain("content-security-policy").And.Not.Contain("vary:").And.Not.Contain("content-type"));
    }

    [TestCase("api/queues/%2F/..")]
    [TestCase("api/queues/%2F/.")]
    [TestCase("api/queues/%2F/x/..")]
    [TestCase("api/queues/%2F/%2e%2e")]
    public async Task Dot_segments_are_resolved_before_routing(string path)
    {
        var (status, body, _) = await SendRawAsync("GET", path);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonNode.Parse(body, documentOptions: ApiResponse.Nesting), Is.InstanceOf<JsonArray>());
    }

    [Test]
    public async Task Creating_a_queue_named_dot_dot_is_a_405_on_the_queue_list()
    {
        var (status, body, _) = await SendRawAsync("PUT", "api/queues/%2F/..");

        Assert.That(status, Is.EqualTo(HttpStatusCode.MethodNotAllowed), body);
    }

    /// <summary>
    /// One HTTP/1.0 request (no chunked answer to undo) with the path exactly as given (a PUT carries <c>{}</c>); the
    /// status, the body and the header lines in lower case.
    /// </summary>
    private async Task<(HttpStatusCode Status, string Body, string Headers)> SendRawAsync(string method, string path)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(ManagementUri.Host, ManagementUri.Port);
        var stream = socket.GetStream();
        var body = method == "PUT" ? "{}" : "";
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes("guest:guest"));
        var request = $"{method} /{path} HTTP/1.0\r\nHost: {ManagementUri.Authority}\r\nAuthorization: Basic {credentials}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(RequestTimeout);
        var status = (HttpStatusCode)int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var bodyStart = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return bodyStart < 0 ? (status, "", response.ToLowerInvariant()) : (status, response[(bodyStart + 4)..], response[..bodyStart].ToLowerInvariant());
    }
}
