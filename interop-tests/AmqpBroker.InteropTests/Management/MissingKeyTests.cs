namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// A body without keys the resource requires is 400 with every missing one, in the resource's order, as Erlang's
/// <c>~p</c> prints <c>[{key_missing,K},…]</c>: on one line while it fits by column 78, else one a line
/// (rabbit_mgmt_util:with_decode and each resource's key list, the same from v3.10.8 to v4.3.5; the texts are RabbitMQ
/// 3.10.8's answers, checked with curl).
/// </summary>
public sealed class MissingKeyTests : ManagementTestBase
{
    [TestCase("POST", "api/exchanges/%2F/amq.default/publish", """{"routing_key":"x"}""", "[{key_missing,properties},\n {key_missing,payload},\n {key_missing,payload_encoding}]")]
    [TestCase("POST", "api/exchanges/%2F/amq.default/publish", """{"payload_encoding":"string"}""", "[{key_missing,routing_key},{key_missing,properties},{key_missing,payload}]")]
    [TestCase("PUT", "api/permissions/%2F/guest", "{}", "[{key_missing,configure},{key_missing,write},{key_missing,read}]")]
    [TestCase("PUT", "api/topic-permissions/%2F/guest", """{"write":".*"}""", "[{key_missing,exchange},{key_missing,read}]")]
    [TestCase("PUT", "api/policies/%2F/missing-key-policy", """{"definition":{"max-length":1}}""", "[{key_missing,pattern}]")]
    [TestCase("PUT", "api/parameters/shovel/%2F/missing-key-shovel", "{}", "[{key_missing,value}]")]
    [TestCase("PUT", "api/vhost-limits/%2F/max-queues", "{}", "[{key_missing,value}]")]
    [TestCase("POST", "api/users/bulk-delete", "{}", "[{key_missing,users}]")]
    public async Task Every_missing_key_is_named_as_rabbitmq_prints_them(string method, string path, string body, string reason)
    {
        var response = await SendAsync(new HttpMethod(method), path, body);

        AssertError(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.That(response.Json!["reason"]!.GetValue<string>(), Is.EqualTo(reason));
    }

    [Test]
    public async Task A_get_without_its_keys_names_all_three()
    {
        var queue = Track(UniqueName("get"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/%2F/{queue}", new JsonObject());

        var response = await SendAsync(HttpMethod.Post, $"api/queues/%2F/{queue}/get", "{}");

        AssertError(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.That(response.Json!["reason"]!.GetValue<string>(), Is.EqualTo("[{key_missing,ackmode},{key_missing,count},{key_missing,encoding}]"));
    }
}
