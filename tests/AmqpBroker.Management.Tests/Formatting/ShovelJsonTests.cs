using System.Text.Json.Nodes;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Tests.Formatting;

/// <summary>
/// A shovel parameter as RabbitMQ 4.3.5's <c>GET /api/shovels/vhost/{vhost}/{name}</c> shows it (release-notes/4.3.5.md,
/// #17134; rabbit_shovel_parameters:redact_uris_in_definition): <c>src-uri</c> and <c>dest-uri</c>, one URI or a list,
/// without credentials and query string; every other key as it is.
/// </summary>
public sealed class ShovelJsonTests
{
    [Test]
    public void Uris_lose_credentials_and_query_strings_and_nothing_else_changes()
    {
        var value = new JsonObject
        {
            ["src-uri"] = "amqp://guest:guest@10.0.0.1:5672/%2F?heartbeat=10",
            ["src-queue"] = "amqp://user:secret@not-a-uri-key",
            ["dest-uri"] = new JsonArray("amqps://u:p@a:5671/vh?cacertfile=/ca.pem", "amqp://"),
        };

        ShovelJson.RedactUris(value);

        Assert.That(value.ToJsonString(), Is.EqualTo(new JsonObject
        {
            ["src-uri"] = "amqp://10.0.0.1:5672/%2F",
            ["src-queue"] = "amqp://user:secret@not-a-uri-key",
            ["dest-uri"] = new JsonArray("amqps://a:5671/vh", "amqp://"),
        }.ToJsonString()));
    }

    [Test]
    public void A_value_without_uris_stays_without_them()
    {
        var value = new JsonObject { ["src-queue"] = "q" };

        ShovelJson.RedactUris(value);

        Assert.That(value.ToJsonString(), Is.EqualTo("""{"src-queue":"q"}"""));
    }
}
