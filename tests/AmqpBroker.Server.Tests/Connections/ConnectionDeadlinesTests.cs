using AmqpBroker.Server.Connections;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Server.Tests.Connections;

/// <summary>The handshake (10 s) and close-ok (3 s) deadlines, each row one look at the clock.</summary>
[TestFixture]
public sealed class ConnectionDeadlinesTests
{
    [TestCase(0, false)]
    [TestCase(10_000, false)]
    [TestCase(10_001, true)]
    public void The_handshake_has_ten_seconds(int elapsedMs, bool expired)
    {
        var time = new FakeTimeProvider();
        var deadlines = new ConnectionDeadlines(time.GetUtcNow(), TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromMilliseconds(elapsedMs));

        Assert.That(deadlines.HandshakeExpired(time.GetUtcNow()), Is.EqualTo(expired));
    }

    [TestCase(1, 3_000, false)]
    [TestCase(1, 3_001, true)]
    [TestCase(60, 3_001, true)]
    public void Close_ok_has_three_seconds_from_our_close(int openSeconds, int sinceCloseMs, bool expired)
    {
        var time = new FakeTimeProvider();
        var deadlines = new ConnectionDeadlines(time.GetUtcNow(), TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(openSeconds));

        deadlines.OnClosing(time.GetUtcNow());
        time.Advance(TimeSpan.FromMilliseconds(sinceCloseMs));

        Assert.That(deadlines.CloseOkExpired(time.GetUtcNow()), Is.EqualTo(expired));
    }

    [Test]
    public void Without_a_close_there_is_no_close_ok_deadline()
    {
        var time = new FakeTimeProvider();
        var deadlines = new ConnectionDeadlines(time.GetUtcNow(), TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromHours(1));

        Assert.That(deadlines.CloseOkExpired(time.GetUtcNow()), Is.False);
    }
}
