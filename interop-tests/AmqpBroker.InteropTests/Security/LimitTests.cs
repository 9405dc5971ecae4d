using System.Globalization;

namespace AmqpBroker.InteropTests.Security;

/// <summary>
/// Vhost limits (max-connections, max-queues) and user limits (max-connections, max-channels) as RabbitMQ 3.10.8
/// enforces and validates them, with its refusal codes and texts (each case first run against it).
/// </summary>
public sealed class LimitTests : SecurityEndpointTestBase
{
    // {0} is the vhost, {1} the user.
    [TestCase("vhost", "NOT_ALLOWED - access to vhost '{0}' refused for user '{1}': connection limit (1) is reached",
        TestName = "A_vhost_at_its_connection_limit_refuses_the_next_connection")]
    [TestCase("user", "NOT_ALLOWED - connection refused for user '{1}': user connection limit (1) is reached",
        TestName = "A_user_at_its_connection_limit_is_refused_the_next_connection")]
    public async Task A_connection_limit_of_1_refuses_the_second_connection(string on, string refusal)
    {
        var (virtualHost, user) = await WithLimitAsync(on, "max-connections", 1);
        await ConnectAsAsync(user, virtualHost);

        var refused = await RefusedConnectionAsync(user, virtualHost);

        Assert.That((refused.ReplyCode, refused.ReplyText), Is.EqualTo(((ushort)530, string.Format(CultureInfo.InvariantCulture, refusal, virtualHost, user))));
    }

    [Test]
    public async Task A_vhost_at_its_queue_limit_refuses_a_new_queue_but_not_a_redeclare()
    {
        var (virtualHost, user) = await WithLimitAsync("vhost", "max-queues", 1);
        var channel = await (await ConnectAsAsync(user, virtualHost)).CreateChannelAsync();
        await channel.QueueDeclareAsync("first", exclusive: true);
        await channel.QueueDeclareAsync("first", exclusive: true);

        await ExpectClosedAsync(() => channel.QueueDeclareAsync("second", exclusive: true), 406,
            $"PRECONDITION_FAILED - cannot declare queue 'second': queue limit in vhost '{virtualHost}' (1) is reached");
    }

    [Test]
    public async Task A_user_at_its_channel_limit_loses_the_connection_that_opens_one_more()
    {
        var (virtualHost, user) = await WithLimitAsync("user", "max-channels", 2);
        var first = await ConnectAsAsync(user, virtualHost);
        await first.CreateChannelAsync();
        var second = await ConnectAsAsync(user, virtualHost);
        await second.CreateChannelAsync();

        // The user's name: 3.10.8, and again from 4.2.6/4.3.0 (release-notes/4.2.6.md #15750; 3.13 to 4.2.5 put the node's there).
        await ExpectClosedAsync(() => second.CreateChannelAsync(), 530,
            $"NOT_ALLOWED - number of channels opened for user '{user}' has reached the maximum allowed user limit of (2)");
    }

    [Test]
    public async Task A_negative_limit_is_no_limit_and_a_cleared_limit_is_gone()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        await PutLimitAsync("vhost", virtualHost, "max-connections", -1);
        await ConnectAsAsync(user, virtualHost);
        await ConnectAsAsync(user, virtualHost);

        await PutLimitAsync("vhost", virtualHost, "max-queues", 4);
        var limits = (await GetJsonAsync($"api/vhost-limits/{Segment(virtualHost)}")).AsArray().Single()!;
        Assert.That((limits["vhost"]!.GetValue<string>(), limits["value"]!["max-connections"]!.GetValue<long>(), limits["value"]!["max-queues"]!.GetValue<long>()),
            Is.EqualTo((virtualHost, -1L, 4L)));
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/vhost-limits/{Segment(virtualHost)}/max-connections");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/vhost-limits/{Segment(virtualHost)}/max-queues");
        Assert.That((await GetJsonAsync($"api/vhost-limits/{Segment(virtualHost)}")).AsArray(), Is.Empty);
    }

    [Test]
    public async Task User_limits_are_listed_per_user()
    {
        var (_, user) = await CreateVirtualHostAndUserAsync();
        await PutLimitAsync("user", user, "max-connections", 5);
        await PutLimitAsync("user", user, "max-channels", 7);

        var limits = (await GetJsonAsync($"api/user-limits/{Segment(user)}")).AsArray().Single()!;
        Assert.That((limits["user"]!.GetValue<string>(), limits["value"]!["max-connections"]!.GetValue<long>(), limits["value"]!["max-channels"]!.GetValue<long>()),
            Is.EqualTo((user, 5L, 7L)));
        Assert.That((await GetJsonAsync("api/user-limits")).AsArray().Count(l => l!["user"]!.GetValue<string>() == user), Is.EqualTo(1));
        AssertError(await SendAsync(HttpMethod.Get, $"api/user-limits/nosuch-{Guid.NewGuid():N}"), HttpStatusCode.NotFound, "Object Not Found");
    }

    [TestCase("\"abc\"", "max-queues should be a number, actually was <<\"abc\">>")]
    [TestCase("1.5", "max-queues should be a number, actually was 1.5")]
    [TestCase("\"5\"", "max-queues should be a number, actually was <<\"5\">>")]
    public async Task A_vhost_limit_that_is_not_an_integer_is_refused_with_rabbitmqs_reason(string value, string reason)
    {
        var (virtualHost, _) = await CreateVirtualHostAndUserAsync();

        var response = await SendAsync(HttpMethod.Put, $"api/vhost-limits/{Segment(virtualHost)}/max-queues", $$"""{"value":{{value}}}""");

        AssertError(response, HttpStatusCode.BadRequest, "bad_request", $"Validation failed\n\n{reason}\n");
    }

    [Test]
    public async Task Unknown_limits_and_missing_values_are_refused()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        AssertError(await SendAsync(HttpMethod.Put, $"api/vhost-limits/{Segment(virtualHost)}/max-foo", new JsonObject { ["value"] = 1 }),
            HttpStatusCode.BadRequest, "bad_request", "Validation failed\n\nUnrecognised terms [{<<\"max-foo\">>,1}] in limits\n");
        AssertError(await SendAsync(HttpMethod.Put, $"api/user-limits/{Segment(user)}/max-foo", new JsonObject { ["value"] = 1 }),
            HttpStatusCode.BadRequest, "bad_request", "Unrecognised terms [{<<\"max-foo\">>,1}] in user-limits");
        AssertError(await SendAsync(HttpMethod.Put, $"api/user-limits/{Segment(user)}/max-channels", new JsonObject { ["value"] = "abc" }),
            HttpStatusCode.BadRequest, "bad_request", "max-channels should be a number, actually was <<\"abc\">>");
        AssertError(await SendAsync(HttpMethod.Put, $"api/vhost-limits/{Segment(virtualHost)}/max-queues", new JsonObject()), HttpStatusCode.BadRequest, "bad_request", "key_missing");
        AssertError(await SendAsync(HttpMethod.Put, $"api/vhost-limits/nosuch-{Guid.NewGuid():N}/max-queues", new JsonObject { ["value"] = 1 }),
            HttpStatusCode.NotFound, "not_found", "vhost_not_found");
    }

    /// <summary>A fresh vhost and user, with <paramref name="limit"/> set to <paramref name="value"/> on the one <paramref name="on"/> names ("vhost" or "user").</summary>
    private async Task<(string VirtualHost, string User)> WithLimitAsync(string on, string limit, int value)
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        await PutLimitAsync(on, on == "vhost" ? virtualHost : user, limit, value);
        return (virtualHost, user);
    }
}
