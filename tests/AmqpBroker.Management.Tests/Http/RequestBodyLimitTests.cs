using System.Net;
using System.Net.Sockets;
using System.Text;
using AmqpBroker.Management.Http;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>
/// Request bodies are capped at RabbitMQ's <c>management.http.max_body_size</c> default (20,000,000 bytes) and refused
/// with its 400 <c>Exceeded HTTP request body size limit</c>: a declared length at once, before any of the body is sent;
/// a chunked body as soon as it grows past the limit.
/// </summary>
[TestFixture]
public sealed class RequestBodyLimitTests
{
    private ApiTestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await ApiTestServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    [TestCase("PUT", "api/queues/%2F/too-big")]
    [TestCase("POST", "api/definitions")]
    public async Task A_declared_length_over_the_limit_is_refused_before_the_body_is_sent(string method, string path)
    {
        using var socket = await ConnectAsync(method, path, $"Content-Length: {RequestBodyLimit.MaxBytes + 1}");

        var response = await ReadAnswerAsync(socket);

        AssertRefused(response);
    }

    [Test]
    public async Task A_chunked_body_is_refused_once_it_grows_past_the_limit()
    {
        using var socket = await ConnectAsync("PUT", "api/queues/%2F/too-big-chunked", "Transfer-Encoding: chunked");
        var chunk = Encoding.ASCII.GetBytes($"100000\r\n[{new string('1', 0x100000 - 1)}\r\n");

        var response = ReadAnswerAsync(socket);
        try
        {
            // 24 chunks of 1 MiB: past the limit; the broker answers and closes while they are still arriving.
            for (var i = 0; i < 24 && !response.IsCompleted; i++)
            {
                await socket.GetStream().WriteAsync(chunk);
            }
        }
        catch (IOException)
        {
        }

        AssertRefused(await response);
        Assert.That(_server.Errors, Is.Empty);
    }

    private static void AssertRefused(string response)
    {
        Assert.That(response, Does.StartWith("HTTP/1.1 400 "));
        Assert.That(response, Does.Contain("""{"error":"bad_request","reason":"Exceeded HTTP request body size limit"}"""));
    }

    /// <summary>A connection that has sent a request's headers (with <paramref name="lengthHeader"/>) and none of its body.</summary>
    private async Task<TcpClient> ConnectAsync(string method, string path, string lengthHeader)
    {
        var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, _server.Address.Port);
        var credentials = Convert.ToBase64String("guest:guest"u8);
        await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
            $"{method} /{path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic {credentials}\r\nContent-Type: application/json\r\nConnection: close\r\n{lengthHeader}\r\n\r\n"));
        return socket;
    }

    /// <summary>What the server sent until its JSON answer is complete or it closed the connection (a reset counts as the end).</summary>
    private static async Task<string> ReadAnswerAsync(TcpClient socket)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.GetStream().ReadAsync(buffer, deadline.Token)) > 0)
            {
                received.Write(buffer, 0, read);
                if (Encoding.UTF8.GetString(received.ToArray()).Contains("\"}", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }
}
