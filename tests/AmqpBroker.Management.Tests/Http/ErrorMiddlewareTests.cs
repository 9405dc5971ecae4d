using System.Text;
using System.Text.Json.Nodes;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Policies;
using AmqpBroker.Management.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>Every failure becomes RabbitMQ's JSON error; the catch-all turns an unexpected one into a bare 500.</summary>
public sealed class ErrorMiddlewareTests
{
    private static async Task<(int Status, JsonNode Body, string? Challenge)> RunAsync(Exception exception)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var middleware = new ErrorMiddleware(_ => throw exception, NullLogger<ErrorMiddleware>.Instance);
        await middleware.InvokeAsync(context);
        context.Response.Body.Position = 0;
        var body = JsonNode.Parse(Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()))!;
        return (context.Response.StatusCode, body, context.Response.Headers.WWWAuthenticate.FirstOrDefault());
    }

    /// <summary>
    /// Nothing of the failure is shown: a 500 with no body, as cowboy answers a handler that crashes (RabbitMQ 3.10.8,
    /// checked with curl: an unknown ackmode; release-notes/4.2.8.md, #16544, emptied web dispatch's last detailed 500).
    /// </summary>
    [Test]
    public async Task An_unexpected_exception_is_a_500_without_a_body()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var middleware = new ErrorMiddleware(_ => throw new InvalidOperationException("secret detail"), NullLogger<ErrorMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        Assert.That((context.Response.StatusCode, context.Response.ContentLength, context.Response.Body.Length), Is.EqualTo((500, 0L, 0L)));
    }

    [Test]
    public async Task An_api_exception_is_written_as_it_is()
    {
        var (status, body, _) = await RunAsync(ApiException.BadRequest("why"));
        Assert.That((status, body.ToJsonString()), Is.EqualTo((400, """{"error":"bad_request","reason":"why"}""")));
    }

    [Test]
    public async Task An_error_RabbitMQ_sends_as_an_Erlang_string_is_a_list_of_character_codes()
    {
        var (status, body, _) = await RunAsync(new ApiException(500, "Error", "why") { ErrorIsCharList = true });
        Assert.That((status, body.ToJsonString()), Is.EqualTo((500, """{"error":[69,114,114,111,114],"reason":"why"}""")));
    }

    [TestCase(404, 404, "not_found")]
    [TestCase(403, 401, "not_authorised")]
    [TestCase(406, 400, "bad_request")]
    [TestCase(405, 400, "bad_request")]
    public async Task Broker_errors_map_as_RabbitMQs_management_plugin_maps_them(int replyCode, int status, string error)
    {
        var (actualStatus, body, challenge) = await RunAsync(new AmqpException((AmqpBroker.Protocol.Methods.ReplyCode)replyCode, "text"));
        Assert.That((actualStatus, body["error"]!.GetValue<string>(), body["reason"]!.GetValue<string>()), Is.EqualTo((status, error, "text")));
        Assert.That(challenge, Is.Null, "RabbitMQ's not_authorised carries no challenge (rabbit_mgmt_util:not_authorised at v3.10.8)");
    }

    /// <summary>Only a failed login challenges, and only before 3.13 (rabbit_mgmt_util:not_authenticated at v3.10.8).</summary>
    [TestCase(false, "Login failed", "Basic realm=\"RabbitMQ Management\"")]
    [TestCase(true, "Not_Authorized", null)]
    public async Task A_failed_login_is_answered_as_the_release_answers_it(bool notAuthorized, string reason, string? expectedChallenge)
    {
        var (status, body, challenge) = await RunAsync(ApiException.LoginFailed(notAuthorized));
        Assert.That((status, body.ToJsonString(), challenge), Is.EqualTo((401, $$"""{"error":"not_authorized","reason":"{{reason}}"}""", expectedChallenge)));
    }

    [Test]
    public async Task A_refused_policy_uses_RabbitMQs_validation_wording()
    {
        var (status, body, _) = await RunAsync(new PolicyValidationException("-1 is not a valid message TTL"));
        Assert.That((status, body["reason"]!.GetValue<string>()), Is.EqualTo((400, "Validation failed\n\n-1 is not a valid message TTL\n")));
    }

    /// <summary>Where RabbitMQ's handler crashes (rabbit_mgmt_wm_vhost:accept_content at v3.13.7), Cowboy's bodiless 500.</summary>
    [Test]
    public async Task An_unanswered_request_is_a_500_without_a_body()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var middleware = new ErrorMiddleware(_ => throw new UnansweredException(), NullLogger<ErrorMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        Assert.That((context.Response.StatusCode, context.Response.ContentLength, context.Response.Body.Length), Is.EqualTo((500, 0L, 0L)));
    }
}
