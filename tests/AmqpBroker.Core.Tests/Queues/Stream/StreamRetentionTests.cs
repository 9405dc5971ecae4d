using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Queues.Stream;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Queues.Stream;

/// <summary>
/// A stream's retention on a fake clock: x-max-age and x-max-length-bytes (or the policy keys max-age and
/// max-length-bytes) drop whole segments from the oldest on when a new segment starts, and at once when a
/// policy changes the limits; the segment being written stays; classic-only policy keys do not apply. Those
/// evaluations (not appends) also take the oldest chunk's time for the management API's first_timestamp.
/// </summary>
[TestFixture]
public sealed class StreamRetentionTests : TimedBrokerFixture
{
    private protected override VersionProfile Profile => VersionProfile.For(new RabbitMqRelease(3, 10));

    [Test]
    public void Max_age_drops_the_segments_older_than_it_when_a_segment_starts()
    {
        var stream = DeclareStream("s", ("x-max-age", "10s"), ("x-stream-max-segment-size-bytes", 1L));
        Publish(stream, "old-1");
        Publish(stream, "old-2");
        Time.Advance(TimeSpan.FromSeconds(11));

        Publish(stream, "new");

        Assert.That(ReadFromFirst(stream), Is.EqualTo(new[] { "new" }));
        Assert.That(stream.ReadyCount, Is.EqualTo(1));
    }

    [Test]
    public void Messages_older_than_max_age_stay_while_their_segment_is_written()
    {
        var stream = DeclareStream("s", ("x-max-age", "10s"));
        Publish(stream, "old");
        Time.Advance(TimeSpan.FromSeconds(11));

        Publish(stream, "new");

        Assert.That(ReadFromFirst(stream), Is.EqualTo(new[] { "old", "new" }));
    }

    [Test]
    public void Max_length_bytes_keeps_the_newest_segments_within_it()
    {
        var stream = DeclareStream("s", ("x-max-length-bytes", 1L), ("x-stream-max-segment-size-bytes", 1L));

        foreach (var body in new[] { "a", "b", "c" })
        {
            Publish(stream, body);
        }

        Assert.That(ReadFromFirst(stream), Is.EqualTo(new[] { "c" }));
    }

    [TestCase("max-length-bytes", 1L)]
    [TestCase("max-age", "1s")]
    public void A_policy_limit_trims_at_once(string key, object value)
    {
        var stream = DeclareStream("s", ("x-stream-max-segment-size-bytes", 1L));
        Publish(stream, "a");
        Publish(stream, "b");
        Time.Advance(TimeSpan.FromSeconds(2));

        VirtualHost.PutPolicy(PolicyValidator.Compile(new Policy("/", "retention", "^s$", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { [key] = value })));

        Assert.That(ReadFromFirst(stream), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void Classic_policy_keys_do_not_apply_to_a_stream()
    {
        var stream = DeclareStream("s");

        VirtualHost.PutPolicy(PolicyValidator.Compile(new Policy("/", "classic", "^s$", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["max-length"] = 1, ["message-ttl"] = 1000 })));

        Assert.That((stream.Arguments.MaxLength, stream.Arguments.MessageTtl), Is.EqualTo(((long?)null, (long?)null)));
    }

    [Test]
    public void The_first_timestamp_is_taken_when_a_segment_fills_not_on_each_append()
    {
        var stream = (StreamQueue)DeclareStream("s", ("x-stream-max-segment-size-bytes", 1L));
        var first = Time.GetUtcNow().ToUnixTimeMilliseconds();
        Publish(stream, "a");
        var beforeAnySegmentFilled = stream.FirstTimestamp;
        Time.Advance(TimeSpan.FromSeconds(2));

        Publish(stream, "b");

        Assert.That((beforeAnySegmentFilled, stream.FirstTimestamp), Is.EqualTo((0L, first)), "osiris's counter: unset, then the oldest chunk's time");
    }

    private Queue DeclareStream(string name, params (string Key, object? Value)[] arguments)
    {
        var table = arguments.ToDictionary(a => a.Key, a => a.Value);
        table["x-queue-type"] = "stream";
        return VirtualHost.DeclareQueue(TestData.QueueDefinition(name, durable: true, arguments: table), Connection, passive: false);
    }

    /// <summary>What a consumer starting at <c>first</c> reads now.</summary>
    private IReadOnlyList<string> ReadFromFirst(Queue stream)
    {
        var (session, target) = OpenSession();
        session.SetPrefetch(100, global: false);
        Consume(session, stream, arguments: new Dictionary<string, object?> { ["x-stream-offset"] = "first" });
        return target.Bodies;
    }
}
