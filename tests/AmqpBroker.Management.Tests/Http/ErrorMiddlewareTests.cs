using System.Text;
using System.Text.Json.Nodes;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Policies;
using AmqpBroker.Management.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>Every failure becomes RabbitMQ's JSON error; the catch-all turns an unexpected one into a JSON 500.</summary>
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

    [Test]
    public async Task An_unexpected_exception_is_a_JSON_500()
    {
        var (status, body, _) = await RunAsync(new InvalidOperationException("boom"));
        Assert.That((status, body["error"]!.GetValue<string>(), body["reason"]!.GetValue<string>()), Is.EqualTo((500, "internal_error", "boom")));
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
        Assert.That(challenge is not null, Is.EqualTo(status == 401), "401s carry the Basic challenge");
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
