using System.Net.Sockets;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// How the admin API reads a request path, as RabbitMQ 3.10.8's web server does (each case run against it):
/// a malformed percent-escape is a 400, <c>.</c> and <c>..</c> segments are resolved before routing (so
/// <c>/api/queues/%2F/..</c> is the queue list, where PUT is a 405).
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
    public async Task A_malformed_escape_is_a_400(string method, string path)
    {
        var (status, body) = await SendRawAsync(method, path);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), body);
    }

    [TestCase("api/queues/%2F/..")]
    [TestCase("api/queues/%2F/.")]
    [TestCase("api/queues/%2F/x/..")]
    [TestCase("api/queues/%2F/%2e%2e")]
    public async Task Dot_segments_are_resolved_before_routing(string path)
    {
        var (status, body) = await SendRawAsync("GET", path);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(JsonNode.Parse(body, documentOptions: ApiResponse.Nesting), Is.InstanceOf<JsonArray>());
    }

    [Test]
    public async Task Creating_a_queue_named_dot_dot_is_a_405_on_the_queue_list()
    {
        var (status, body) = await SendRawAsync("PUT", "api/queues/%2F/..");

        Assert.That(status, Is.EqualTo(HttpStatusCode.MethodNotAllowed), body);
    }

    /// <summary>One HTTP/1.0 request (no chunked answer to undo) with the path exactly as given (a PUT carries <c>{}</c>); the status and body.</summary>
    private async Task<(HttpStatusCode Status, string Body)> SendRawAsync(string method, string path)
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
        return (status, bodyStart < 0 ? "" : response[(bodyStart + 4)..]);
    }
}
