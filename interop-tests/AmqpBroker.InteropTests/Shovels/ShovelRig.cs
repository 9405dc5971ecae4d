using System.Net.Http.Headers;
using System.Net.Http.Json;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// What the shovel tests share: brokers with durable storage in a temp directory, the admin API calls that
/// define shovels and read their status, and a confirmed publisher and a draining consumer that carry a
/// sequence number in each body. Every wait is bounded.
/// </summary>
internal static class ShovelRig
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    public static Task<BrokerHost> StartBrokerAsync(string dataDirectory, int port = 0) => BrokerHost.StartAsync(new BrokerOptions
    {
        Port = port,
        ManagementPort = 0,
        Bind = "127.0.0.1",
        InMemory = false,
        DataDir = dataDirectory,
    });

    /// <summary>The broker's URI as a shovel reads it: without a trailing slash, which RabbitMQ's URIs read as the empty vhost.</summary>
    public static string UriOf(BrokerHost broker) => $"amqp://guest:guest@127.0.0.1:{broker.AmqpEndPoint.Port}";

    public static HttpClient Admin(Uri management)
    {
        var client = new HttpClient { BaseAddress = management, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return client;
    }

    public static async Task PutShovelAsync(HttpClient admin, string name, JsonObject value, string vhost = "%2F")
    {
        using var response = await admin.PutAsJsonAsync($"api/parameters/shovel/{vhost}/{Uri.EscapeDataString(name)}", new JsonObject { ["value"] = value });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The shovel's entry in /api/shovels, or null when it has none (never defined, or deleted).</summary>
    public static async Task<JsonObject?> StatusAsync(HttpClient admin, string name, string vhost = "%2F")
    {
        var shovels = JsonNode.Parse(await admin.GetStringAsync($"api/shovels/{vhost}"))!.AsArray();
        return shovels.Select(s => s!.AsObject()).FirstOrDefault(s => s["name"]!.GetValue<string>() == name);
    }

    /// <summary>Polls the shovel's state until it is <paramref name="state"/>; returns that status.</summary>
    public static async Task<JsonObject> WaitForStateAsync(HttpClient admin, string name, string state, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? Deadline);
        JsonObject? status = null;
        while (!timeout.IsCancellationRequested)
        {
            status = await StatusAsync(admin, name);
            if (status?["state"]?.GetValue<string>() == state)
            {
                return status;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"shovel {name} never reached {state}; last status {status?.ToJsonString() ?? "none"}");
        return null!;
    }

    /// <summary>The connections the shovel opened, from /api/connections (RabbitMQ's shovel names them <c>Shovel {name}</c>).</summary>
    public static async Task<IReadOnlyList<JsonObject>> ConnectionsAsync(HttpClient admin, string shovel)
    {
        var connections = JsonNode.Parse(await admin.GetStringAsync("api/connections"))!.AsArray();
        return [.. connections.Select(c => c!.AsObject()).Where(c => c["client_properties"]?["connection_name"]?.GetValue<string>() == $"Shovel {shovel}")];
    }

    /// <summary>The queue's consumers, or -1 while it does not exist (a passive declare on a channel of its own).</summary>
    public static async Task<long> ConsumersAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return -1;
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? Deadline);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Publishes persistent messages whose bodies are <paramref name="first"/>… in order, each confirmed, 500 in flight at a time.</summary>
    public static async Task PublishAsync(IConnection connection, string queue, int first, int count, CancellationToken cancellationToken = default)
    {
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var properties = new BasicProperties { Persistent = true };
        const int Window = 500;
        var pending = new List<Task>(Window);
        for (var i = first; i < first + count; i++)
        {
            pending.Add(channel.BasicPublishAsync("", queue, false, properties, Encoding.ASCII.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken).AsTask());
            if (pending.Count == Window)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending);
    }

    /// <summary>Consumes (with automatic acks) exactly the <paramref name="count"/> messages the queue holds and returns their sequence numbers in order.</summary>
    public static async Task<List<int>> DrainAsync(IConnection connection, string queue, int count)
    {
        await using var channel = await connection.CreateChannelAsync();
        var received = new List<int>(count);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) =>
        {
            received.Add(int.Parse(Encoding.ASCII.GetString(e.Body.Span), System.Globalization.CultureInfo.InvariantCulture));
            if (received.Count == count)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };
        if (count > 0)
        {
            await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
            await done.Task.WaitAsync(Deadline);
        }

        return received;
    }

    public static async Task<uint> CountAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        return await channel.MessageCountAsync(queue);
    }

    public static async Task DeclareDurableQueueAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
    }

    public static string TempDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"shovel-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
