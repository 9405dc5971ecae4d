namespace AmqpBroker.Shovel.Tests;

/// <summary>
/// A shovel URI as its status shows it: without credentials and without query string, as RabbitMQ's
/// amqp_uri:remove_credentials (v3.10.8, v4.3.5) keeps scheme, host, port and path only. The first two cases are what
/// RabbitMQ 3.10.8 showed in /api/shovels for those URIs.
/// </summary>
public sealed class ShovelUriTests
{
    [TestCase("amqp://guest:guest@127.0.0.1:5682?heartbeat=10", "amqp://127.0.0.1:5682")]
    [TestCase("amqp://guest:guest@127.0.0.1:5682/%2F?heartbeat=10", "amqp://127.0.0.1:5682/%2F")]
    [TestCase("amqp://", "amqp://")]
    [TestCase("amqp:///vh", "amqp:///vh")]
    [TestCase("amqp://user@host", "amqp://host")]
    [TestCase("amqps://u:p%40ss@broker:5671/vh?cacertfile=/etc/ca.pem&verify=verify_peer", "amqps://broker:5671/vh")]
    public void The_status_shows_the_uri_without_credentials_and_query(string text, string shown)
    {
        var uri = ShovelUri.TryParse(text, out var error);

        Assert.That(error, Is.Null);
        Assert.That(uri!.Display, Is.EqualTo(shown));
        Assert.That(uri.ToString(), Is.EqualTo(shown), "nor does a log line show the password");
    }
}
