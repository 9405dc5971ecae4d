using System.Net.Http.Headers;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The request bodies whose media type RabbitMQ checks: the resources whose content_types_accepted/2 lists only
/// application/json (rabbit_mgmt_wm_limit, rabbit_mgmt_wm_user_limit, rabbit_mgmt_wm_operator_policy; definitions also
/// multipart/form-data) answer any other type, or none, with a bodiless 415 (the same from v3.10.8 to v4.3.5; checked
/// against RabbitMQ 3.10.8). The other resources take any type, as a policy does here.
/// </summary>
public sealed class MediaTypeTests : ManagementTestBase
{
    private static readonly string?[] OtherTypes = ["text/plain", "application/x-www-form-urlencoded", null];

    [TestCase("PUT", "api/operator-policies/%2F/media-type-test", """{"pattern":"^media-type-test$","definition":{"max-length":1}}""")]
    [TestCase("PUT", "api/vhost-limits/%2F/max-queues", """{"value":100000}""")]
    [TestCase("PUT", "api/user-limits/guest/max-channels", """{"value":100000}""")]
    [TestCase("POST", "api/definitions", "{}")]
    public async Task A_body_not_declared_as_json_is_refused_with_415(string method, string path, string body)
    {
        foreach (var type in OtherTypes)
        {
            var answer = await SendAsync(new HttpMethod(method), path, body, configure: request => request.Content!.Headers.ContentType = type is null ? null : new MediaTypeHeaderValue(type));

            Assert.That((answer.Status, answer.Body), Is.EqualTo((HttpStatusCode.UnsupportedMediaType, "")), type ?? "no content-type");
        }
    }

    [Test]
    public async Task A_policy_takes_a_body_of_any_declared_type()
    {
        var path = $"api/policies/%2F/{UniqueName("media")}";

        var answer = await SendAsync(HttpMethod.Put, path, """{"pattern":"^nothing-matches-this$","definition":{"max-length":1}}""", configure: request => request.Content!.Headers.ContentType = new MediaTypeHeaderValue("text/plain"));

        Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Created));
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
    }
}
