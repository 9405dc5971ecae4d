using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Storage;
using AmqpBroker.Management.Tests.Http;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Management.Tests.Messaging;

/// <summary>
/// POST /api/exchanges/{vhost}/{name}/publish answers once the message is confirmed, as RabbitMQ's, which publishes
/// through a channel in confirm mode: a persistent message to a durable queue waits for the store's sync. From 4.2.9
/// and 4.3.3 it waits 30 s at most and then answers 400 <c>confirm_timeout</c> (release-notes/4.2.9.md and 4.3.3.md,
/// #16911; rabbit_mgmt_wm_exchange_publish at v4.2.9); before, as long as the sync takes. A failed sync is a nack,
/// answered 400 <c>rejected</c> (rabbit_mgmt_wm_exchange_publish:bad/3).
/// </summary>
[TestFixture]
public sealed class HttpPublishConfirmTests
{
    private FakeTimeProvider _time = null!;
    private HeldSyncs _store = null!;
    private ApiTestServer? _server;
    private HttpClient? _http;

    [SetUp]
    public void CreateClockAndStore()
    {
        _time = new FakeTimeProvider();
        _store = new HeldSyncs();
    }

    [TearDown]
    public async Task StopAsync()
    {
        _store.Complete();
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }

        _store.Dispose();
    }

    [TestCase("4.2")]
    [TestCase("4.3")]
    public async Task A_confirm_that_does_not_come_within_30_seconds_is_a_400_confirm_timeout(string release)
    {
        var publish = await PublishHeldAsync(release);

        var waited = 0;
        while (!publish.IsCompleted && waited < 60)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            waited++;
            await Task.WhenAny(publish, Task.Delay(20));
        }

        using var response = await publish;
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(error["error"]!.GetValue<string>(), Is.EqualTo("bad_request"));
            Assert.That(error["reason"]!.GetValue<string>(), Is.EqualTo("confirm_timeout Timed out waiting for a publisher confirm. The message may still "
                + "have been enqueued. Check the health of the queues bound to this exchange."));
            Assert.That(waited, Is.InRange(30, 31), "seconds of the broker's clock");
        }
    }

    [TestCase("3.10")]
    [TestCase("4.1")]
    public async Task Before_the_timeout_a_publish_waits_as_long_as_the_sync_takes(string release)
    {
        var publish = await PublishHeldAsync(release);

        _time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(200);
        Assert.That(publish.IsCompleted, Is.False);

        _store.Complete();
        using var response = await publish;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["routed"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task A_failed_sync_is_a_400_rejected()
    {
        var publish = await PublishHeldAsync("4.3");

        _store.Fail();

        using var response = await publish;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]!.GetValue<string>(),
            Is.EqualTo("rejected Unable to publish message. Check queue limits."));
    }

    [Test]
    public async Task A_transient_message_is_answered_without_waiting_for_the_store()
    {
        await StartAsync("4.3");

        using var response = await PublishAsync(persistent: false);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_store.Asked.IsCompleted, Is.False);
    }

    /// <summary>A server whose broker has a durable queue <c>q</c> and keeps persistent messages in <see cref="_store"/>.</summary>
    private async Task StartAsync(string release)
    {
        _server = await ApiTestServer.StartAsync(VersionProfile.For(RabbitMqRelease.Parse(release)), _time, _store);
        _http = _server.Client("guest", "guest");
        using var declared = await _http.PutAsync("api/queues/%2F/q", Json(new JsonObject { ["durable"] = true }));
        Assert.That(declared.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    /// <summary>A persistent message published to <c>q</c>, its answer pending while the store holds the sync it asked for.</summary>
    private async Task<Task<HttpResponseMessage>> PublishHeldAsync(string release)
    {
        await StartAsync(release);
        var publish = PublishAsync(persistent: true);
        await _store.Asked.WaitAsync(TimeSpan.FromSeconds(10));
        return publish;
    }

    private Task<HttpResponseMessage> PublishAsync(bool persistent) =>
        _http!.PostAsync("api/exchanges/%2F/amq.default/publish", Json(new JsonObject
        {
            ["routing_key"] = "q",
            ["payload"] = "m",
            ["payload_encoding"] = "string",
            ["properties"] = new JsonObject { ["delivery_mode"] = persistent ? 2 : 1 },
        }));

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>A message store that keeps messages in memory and completes (or fails) the syncs it is asked for only when told.</summary>
    private sealed class HeldSyncs : IMessageStore
    {
        private readonly ConcurrentQueue<IDurabilityWaiter> _waiting = new();
        private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the first sync is asked for.</summary>
        public Task Asked => _asked.Task;

        public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered)
        {
            recovered = [];
            return null;
        }

        public IStreamLog OpenStream(string virtualHost, string stream, long segmentSize) => throw new NotSupportedException("no streams here");

        public void DeleteQueue(string virtualHost, string queue)
        {
        }

        public void WhenDurable(IDurabilityWaiter waiter, ulong token)
        {
            _waiting.Enqueue(waiter);
            _asked.TrySetResult();
        }

        public void Complete()
        {
            while (_waiting.TryDequeue(out var waiter))
            {
                waiter.OnDurable(0);
            }
        }

        public void Fail()
        {
            while (_waiting.TryDequeue(out var waiter))
            {
                waiter.OnSyncFailed(0);
            }
        }

        public void Dispose()
        {
        }
    }
}
