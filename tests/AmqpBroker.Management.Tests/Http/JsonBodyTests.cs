using System.Text;
using AmqpBroker.Management.Http;

namespace AmqpBroker.Management.Tests.Http;

public sealed class JsonBodyTests
{
    private static JsonBody Parse(string json) => JsonBody.Parse(Encoding.UTF8.GetBytes(json));

    [Test]
    public void An_empty_body_is_an_empty_object() => Assert.That(Parse("  ").Root, Is.Empty);

    [TestCase("{bad")]
    [TestCase("[1]")]
    [TestCase("\"text\"")]
    [TestCase("""{"a":1,"a":2}""")]
    public void What_is_not_one_JSON_object_is_refused(string json) =>
        Assert.That(Assert.Throws<ApiException>(() => Parse(json))!.Reason, Does.StartWith("not_json"));

    [Test]
    public void Booleans_and_integers_may_come_as_strings_as_rabbitmqadmin_sends_them()
    {
        var body = Parse("""{"durable":"true","auto_delete":false,"count":"5","n":7}""");
        Assert.That((body.Boolean("durable"), body.Boolean("auto_delete"), body.Integer("count"), body.Integer("n")), Is.EqualTo(((bool?)true, (bool?)false, (long?)5, (long?)7)));
        Assert.That((body.Boolean("absent"), body.Integer("absent"), body.String("absent")), Is.EqualTo(((bool?)null, (long?)null, (string?)null)));
    }

    [TestCase("""{"k":"yes"}""", "not_boolean")]
    [TestCase("""{"k":1}""", "not_boolean")]
    public void A_wrong_boolean_names_the_key_and_value(string json, string error)
    {
        var ex = Assert.Throws<ApiException>(() => Parse(json).Boolean("k"))!;
        Assert.That(ex.Reason, Does.StartWith(error).And.Contain("'k'"));
    }

    [TestCase("""{"k":1.5}""")]
    [TestCase("""{"k":"five"}""")]
    [TestCase("""{"k":true}""")]
    public void A_wrong_integer_is_refused(string json) =>
        Assert.That(Assert.Throws<ApiException>(() => Parse(json).Integer("k"))!.Reason, Does.StartWith("not_integer"));

    [Test]
    public void Required_keys_report_key_missing() =>
        Assert.That(Assert.Throws<ApiException>(() => Parse("{}").RequireString("routing_key"))!.Reason, Does.Contain("key_missing").And.Contain("routing_key"));

    /// <summary>RabbitMQ 3.10.8's answers, checked with curl: one line while it fits, one key a line after.</summary>
    [Test]
    public void RequireAll_names_every_missing_key_at_once_as_rabbitmq_prints_them()
    {
        Assert.That(Assert.Throws<ApiException>(() => Parse("""{"write":".*"}""").RequireAll("configure", "write", "read"))!.Reason,
            Is.EqualTo("[{key_missing,configure},{key_missing,read}]"));
        Assert.That(Assert.Throws<ApiException>(() => Parse("""{"routing_key":"x"}""").RequireAll("routing_key", "properties", "payload", "payload_encoding"))!.Reason,
            Is.EqualTo("[{key_missing,properties},\n {key_missing,payload},\n {key_missing,payload_encoding}]"));
        Assert.That(Assert.Throws<ApiException>(() => Parse("""{"payload_encoding":"string"}""").RequireAll("routing_key", "properties", "payload", "payload_encoding"))!.Reason,
            Is.EqualTo("[{key_missing,routing_key},{key_missing,properties},{key_missing,payload}]"));
        Assert.DoesNotThrow(() => Parse("""{"configure":"","write":"","read":""}""").RequireAll("configure", "write", "read"));
    }

    [Test]
    public void Tables_become_AMQP_field_tables()
    {
        var table = Parse("""{"arguments":{"x-max-length":10,"ratio":0.5,"name":"n","flag":true,"list":[1,"a"],"nested":{"k":null}}}""").Table("arguments");
        Assert.That(table["x-max-length"], Is.EqualTo(10L));
        Assert.That(table["ratio"], Is.EqualTo(0.5));
        Assert.That(table["name"], Is.EqualTo("n"));
        Assert.That(table["flag"], Is.EqualTo(true));
        Assert.That(table["list"], Is.EqualTo(new object[] { 1L, "a" }));
        Assert.That(((IReadOnlyDictionary<string, object?>)table["nested"]!)["k"], Is.Null);
    }
}
