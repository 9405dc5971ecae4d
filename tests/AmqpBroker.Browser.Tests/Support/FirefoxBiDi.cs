using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AmqpBroker.Browser.Tests.Support;

/// <summary>
/// Debian's headless <c>firefox-esr</c> driven over WebDriver BiDi, the W3C protocol Firefox speaks natively (no
/// driver, nothing downloaded; Playwright's Firefox is a patched build only its CDN serves). Just what a smoke test
/// needs: one browsing context, navigation, script evaluation, and the console and JavaScript errors the page logs.
/// <c>FIREFOX_PATH</c> overrides where Firefox is looked for.
/// </summary>
internal sealed partial class FirefoxBiDi : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/bin/firefox-esr", "/usr/bin/firefox"];

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _reading = Task.CompletedTask;
    private int _nextId;
    private string _context = string.Empty;

    private FirefoxBiDi(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>What the page logged at level error (console errors and uncaught exceptions).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public static string? Find() =>
        Environment.GetEnvironmentVariable("FIREFOX_PATH") is { Length: > 0 } configured
            ? (File.Exists(configured) ? configured : null)
            : Candidates.FirstOrDefault(File.Exists);

    /// <summary>Starts Firefox headless on a fresh profile and opens a BiDi session on its first tab.</summary>
    public static async Task<FirefoxBiDi> LaunchAsync(string executable, TimeSpan timeout)
    {
        var profile = Directory.CreateTempSubdirectory("amqpbroker-firefox-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var firefox = new FirefoxBiDi(Process.Start(start)!, profile);
        using var deadline = new CancellationTokenSource(timeout);
        var endpoint = await firefox.ReadEndpointAsync(deadline.Token);
        await firefox._socket.ConnectAsync(new Uri($"{endpoint}/session"), deadline.Token);
        firefox._reading = firefox.ReadAsync();
        await firefox.SendAsync("session.new", new JsonObject { ["capabilities"] = new JsonObject() });
        await firefox.SendAsync("session.subscribe", new JsonObject { ["events"] = new JsonArray("log.entryAdded") });
        var tree = await firefox.SendAsync("browsingContext.getTree", new JsonObject());
        firefox._context = tree["contexts"]![0]!["context"]!.GetValue<string>();
        return firefox;
    }

    public Task NavigateAsync(Uri url) => SendAsync("browsingContext.navigate", new JsonObject
    {
        ["context"] = _context, ["url"] = url.ToString(), ["wait"] = "complete",
    });

    /// <summary>Evaluates <paramref name="expression"/> in the page (awaiting a promise) and returns its value as text.</summary>
    public async Task<string?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("script.evaluate", new JsonObject
        {
            ["expression"] = expression, ["target"] = new JsonObject { ["context"] = _context }, ["awaitPromise"] = true,
        });
        if (result["type"]?.GetValue<string>() == "exception")
        {
            throw new InvalidOperationException($"script failed: {result["exceptionDetails"]?["text"]}");
        }

        return result["result"]?["value"]?.ToString();
    }

    /// <summary>Evaluates <paramref name="expression"/> until it gives <paramref name="expected"/>; the last value when the time runs out.</summary>
    public async Task<string?> WaitForAsync(string expression, string expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        string? value;
        do
        {
            value = await EvaluateAsync(expression);
            if (value == expected)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (deadline.Elapsed < timeout);

        return value;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        await _reading.ContinueWith(static _ => { }, TaskScheduler.Default);
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _stop.Dispose();
        Directory.Delete(_profile, recursive: true);
    }

    /// <summary>Firefox names its BiDi endpoint on standard error: <c>WebDriver BiDi listening on ws://127.0.0.1:PORT</c>.</summary>
    private async Task<string> ReadEndpointAsync(CancellationToken cancellation)
    {
        while (await _process.StandardError.ReadLineAsync(cancellation) is { } line)
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }
        }

        throw new InvalidOperationException("Firefox exited without opening its WebDriver BiDi endpoint");
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
        return await reply.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Reads replies (matched to their commands by id) and the log events until the socket closes.</summary>
    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (!_stop.IsCancellationRequested)
        {
            var received = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                Dispatch(JsonNode.Parse(message.ToArray())!);
                message.SetLength(0);
            }
        }
    }

    private void Dispatch(JsonNode message)
    {
        if (message["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var reply))
        {
            if (message["type"]?.GetValue<string>() == "error")
            {
                reply.SetException(new InvalidOperationException($"{message["error"]}: {message["message"]}"));
            }
            else
            {
                reply.SetResult(message["result"]!);
            }
        }
        else if (message["method"]?.GetValue<string>() == "log.entryAdded" && message["params"]?["level"]?.GetValue<string>() == "error")
        {
            Errors.Enqueue(message["params"]!["text"]?.ToString() ?? message.ToJsonString());
        }
    }

    [GeneratedRegex(@"WebDriver BiDi listening on (ws://\S+)")]
    private static partial Regex ListeningLine();
}
