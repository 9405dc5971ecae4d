using AmqpBroker.Management.Http;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>Raw request paths read as RabbitMQ's web server reads them: malformed escapes refused, dot segments resolved, the rest left encoded.</summary>
[TestFixture]
public sealed class RequestPathTests
{
    [TestCase("/api/queues/%2F/q", "/api/queues/%2F/q")]
    [TestCase("/api/queues/%2F/a.b", "/api/queues/%2F/a.b")]
    [TestCase("/api/queues/%2F/..", "/api/queues/")]
    [TestCase("/api/queues/%2F/.", "/api/queues/%2F/")]
    [TestCase("/api/queues/%2F/x/../y", "/api/queues/%2F/y")]
    [TestCase("/api/queues/%2F/%2e%2E", "/api/queues/")]
    [TestCase("/../../api", "/api")]
    [TestCase("/api/queues/%252F/%2F..", "/api/queues/%252F/%2F..")]
    public void Dot_segments_are_resolved_and_escapes_kept(string raw, string expected)
    {
        Assert.That(RequestPath.Normalize(raw), Is.EqualTo(expected));
    }

    [TestCase("/api/queues/%2F/%ZZ")]
    [TestCase("/api/queues/%2F/%")]
    [TestCase("/api/queues/%2F/q%2")]
    [TestCase("/api/vhosts/%G0")]
    public void A_malformed_escape_is_refused(string raw)
    {
        Assert.That(RequestPath.Normalize(raw), Is.Null);
    }
}
