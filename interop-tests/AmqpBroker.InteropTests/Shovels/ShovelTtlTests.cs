using AmqpBroker.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// RabbitMQ 4.3.5's shovel changes on the in-process broker behaving as 4.3, on a clock the test moves:
/// <c>src-delete-after-duration</c> (release-notes/4.3.5.md, Shovel TTL, #17055/#17064; rabbit_shovel_util at v4.3.5:
/// validate_delete_after_duration, sched_expire_after_duration with the default floor of 60 s) — a running shovel
/// deletes its own parameter once the duration has passed since it started consuming, and not before. (The reason of a
/// failed topology setup, #17135, is in <see cref="ShovelStatusReasonTests"/>.)
/// </summary>
[Releases("4.3")]
[OwnBrokerOnly("the RabbitMQ at AMQP_URI is 3.10, which has no shovel TTLs")]
public sealed class ShovelTtlTests : ManagementTestBase
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Test]
    public async Task A_shovel_moves_messages_until_its_duration_has_passed_then_deletes_itself()
    {
        var channel = await OpenChannelAsync();
        var (source, destination) = (await DeclareQueueAsync(channel, "src"), await DeclareQueueAsync(channel, "dst"));
        var name = await StartShovelAsync(source, destination, 90);
        var exported = (await GetJsonAsync("api/definitions"))["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!;
        Assert.That(exported["value"]!["src-delete-after-duration"]!.GetValue<int>(), Is.EqualTo(90), "exported as given");
        await PublishAsync(channel, source, "moved");
        Assert.That((await GetEventuallyAsync(channel, destination)).Body.ToArray(), Is.EqualTo("moved"u8.ToArray()));

        _clock.Advance(TimeSpan.FromSeconds(90) - TimeSpan.FromMilliseconds(1));
        await Task.Delay(QuietPeriod);
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, ParameterPath(name));
        Assert.That(await ShovelRig.StatusAsync(Http, name), Is.Not.Null, "still running a millisecond before its time");

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilDeletedAsync(name);
        await PublishAsync(channel, source, "stays");
        await Task.Delay(QuietPeriod);
        Assert.That(await channel.MessageCountAsync(source), Is.EqualTo(1), "nothing moves a deleted shovel's messages");
    }

    [Test]
    public async Task A_duration_below_the_floor_lasts_the_floor_of_60_seconds()
    {
        var channel = await OpenChannelAsync();
        var name = await StartShovelAsync(await DeclareQueueAsync(channel, "src"), await DeclareQueueAsync(channel, "dst"), 1);

        _clock.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(QuietPeriod);
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, ParameterPath(name));

        _clock.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilDeletedAsync(name);
    }

    [Test]
    public async Task The_clock_starts_again_when_the_shovel_restarts()
    {
        var channel = await OpenChannelAsync();
        var name = await StartShovelAsync(await DeclareQueueAsync(channel, "src"), await DeclareQueueAsync(channel, "dst"), 60);
        _clock.Advance(TimeSpan.FromSeconds(40));

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/shovels/vhost/%2F/{Segment(name)}/restart");
        await ShovelRig.WaitForStateAsync(Http, name, "running", Timeout);
        _clock.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(QuietPeriod);
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, ParameterPath(name));

        _clock.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilDeletedAsync(name);
    }

    [TestCase("0", "src-delete-after-duration should be a positive integer (seconds), actually was 0")]
    [TestCase("\"1h\"", "src-delete-after-duration should be a positive integer (seconds), actually was <<\"1h\">>")]
    [TestCase("315360001", "src-delete-after-duration is 315360001 seconds, which exceeds the maximum supported duration")]
    public async Task A_duration_rabbitmq_refuses_is_refused_with_its_reason(string duration, string reason)
    {
        var value = $$"""{"src-uri":"amqp://","src-queue":"q","dest-uri":"amqp://","src-delete-after-duration":{{duration}}}""";

        var response = await SendAsync(HttpMethod.Put, ParameterPath(UniqueName("bad")), $$"""{"value":{{value}}}""");

        AssertError(response, HttpStatusCode.BadRequest, "bad_request", "Validation failed\n\n" + reason);
    }

    /// <summary>The fixture's broker runs on the clock the tests move.</summary>
    protected override BrokerOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.TimeProvider = _clock;
        return options;
    }

    private static string ParameterPath(string name) => $"api/parameters/shovel/%2F/{Segment(name)}";

    /// <summary>Defines a shovel from <paramref name="source"/> to <paramref name="destination"/> with this TTL and waits until it runs.</summary>
    private async Task<string> StartShovelAsync(string source, string destination, int seconds)
    {
        var name = UniqueName("shovel");
        var value = new JsonObject
        {
            ["src-uri"] = "amqp://",
            ["src-queue"] = source,
            ["src-delete-after"] = "never",
            ["src-delete-after-duration"] = seconds,
            ["dest-uri"] = "amqp://",
            ["dest-queue"] = destination,
        };
        await ShovelRig.PutShovelAsync(Http, name, value);
        var parameter = await GetJsonAsync(ParameterPath(name));
        Assert.That(parameter["value"]!["src-delete-after-duration"]!.GetValue<int>(), Is.EqualTo(seconds), "the parameter keeps the key as given");
        await ShovelRig.WaitForStateAsync(Http, name, "running", Timeout);
        return name;
    }

    private async Task WaitUntilDeletedAsync(string name)
    {
        var deleted = await EventuallyAsync(async () => (await SendAsync(HttpMethod.Get, ParameterPath(name))).Status == HttpStatusCode.NotFound);
        Assert.That(deleted, Is.True, "the shovel deletes its parameter once its duration has passed");
        Assert.That(await ShovelRig.StatusAsync(Http, name), Is.Null, "and is no longer listed");
    }
}
