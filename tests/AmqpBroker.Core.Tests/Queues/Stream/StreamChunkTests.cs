using System.Text;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues.Stream;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using Microsoft.Extensions.Time.Testing;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.Queues.Stream;

/// <summary>
/// A stream's chunks as consumers see them, with the writer's turns taken by the test: <c>last</c> starts at the
/// last chunk, <c>first</c> and a time deliver whole chunks (a chunk's messages share the time it opened), a
/// numeric offset starts exactly there, and a filter (3.13+) takes or skips whole chunks.
/// </summary>
[TestFixture]
public sealed partial class StreamChunkTests
{
    private readonly ManualTurns _turns = new();
    private FakeTimeProvider _time = null!;
    private VirtualHost _host = null!;
    private ClientConnection _connection = null!;
    private Queue _stream = null!;
    private ushort _channels;

    [SetUp]
    public void DeclareStream()
    {
        _time = TestData.Clock();
        _host = new VirtualHost("/", TestData.Services(VersionProfile.For(new RabbitMqRelease(3, 13)), _time, new ManualChunkStore(_turns)));
        _connection = TestData.Connection();
        _stream = _host.DeclareQueue(
            TestData.QueueDefinition("s", durable: true, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "stream" }), _connection, passive: false);
    }

    [Test]
    public void Last_starts_at_the_first_message_of_the_last_chunk()
    {
        PublishChunk("a", "b", "c");
        PublishChunk("d", "e");

        Assert.That(Read("last"), Is.EqualTo(new[] { "3 d", "4 e" }));
    }

    [Test]
    public void Last_gives_the_whole_chunk_still_being_filled()
    {
        PublishChunk("a");
        Publish("b");
        Publish("c");

        Assert.That(Read("last"), Is.EqualTo(new[] { "1 b", "2 c" }));
    }

    [Test]
    public void A_new_segment_starts_a_chunk_within_the_writers_turn()
    {
        _stream = _host.DeclareQueue(
            TestData.QueueDefinition("small", durable: true, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "stream", ["x-stream-max-segment-size-bytes"] = 1L }),
            _connection,
            passive: false);
        Publish("a");
        Publish("b");

        Assert.That(Read("last"), Is.EqualTo(new[] { "1 b" }), "segments of one byte hold a message each, and no chunk spans two");
    }

    [Test]
    public void A_numeric_offset_inside_a_chunk_starts_exactly_there()
    {
        PublishChunk("a", "b", "c");
        PublishChunk("d");

        Assert.That(Read(1L), Is.EqualTo(new[] { "1 b", "2 c", "3 d" }));
    }

    [Test]
    public void A_message_appended_later_into_a_chunk_carries_the_time_the_chunk_opened()
    {
        Publish("a");
        _time.Advance(TimeSpan.FromSeconds(10));
        Publish("b");
        _turns.Take();
        Publish("c");

        Assert.That(Read("5s"), Is.EqualTo(new[] { "2 c" }), "b shares a's time, ten seconds ago");
        Assert.That(Read("15s"), Is.EqualTo(new[] { "0 a", "1 b", "2 c" }));
    }

    [Test]
    public void A_filter_delivers_every_message_of_a_chunk_it_matches_and_skips_the_others()
    {
        PublishChunk("red", "blue");
        PublishChunk("blue", "blue");
        PublishChunk(null, "green");

        Assert.That(Read("first", ["red"]), Is.EqualTo(new[] { "0 red", "1 blue" }));
        Assert.That(Read("first", ["green", "red"]), Is.EqualTo(new[] { "0 red", "1 blue", "4 -", "5 green" }));
        Assert.That(Read("first", ["yellow"]), Is.Empty);
    }

    [Test]
    public void Match_unfiltered_takes_the_chunks_that_hold_a_message_without_a_filter_value()
    {
        PublishChunk("red", "blue");
        PublishChunk(null, "green");

        Assert.That(Read("first", ["yellow"], matchUnfiltered: true), Is.EqualTo(new[] { "2 -", "3 green" }));
    }

    [Test]
    public void A_filtered_consumer_at_the_end_gets_the_chunks_that_match_as_they_come()
    {
        var (_, target) = Subscribe("next", ["red"], matchUnfiltered: false);
        PublishChunk("blue");
        PublishChunk("blue", "red");

        Assert.That(Bodies(target), Is.EqualTo(new[] { "2 red" }), "the blue one came before the chunk held a red one");
    }

    /// <summary>Publishes one message per filter value (null: none), each body its value (or "-"), then ends the chunk.</summary>
    private void PublishChunk(params string?[] values)
    {
        foreach (var value in values)
        {
            Publish(value);
        }

        _turns.Take();
    }

    private void Publish(string? filterValue)
    {
        var properties = new BasicProperties
        {
            Headers = filterValue is null ? null : new Dictionary<string, object?> { [StreamFilter.ValueHeader] = filterValue },
        };
        var message = Message.Create(string.Empty, _stream.Name, properties.Encode(), Encoding.UTF8.GetBytes(filterValue ?? "-"));
        _host.Publish(_host.GetExchange(string.Empty), message, new RoutingScratch(), out _);
        message.Release();
    }

    /// <summary>What a consumer starting at <paramref name="offset"/> gets now, as "offset body".</summary>
    private List<string> Read(object offset, string[]? filter = null, bool matchUnfiltered = false) =>
        Bodies(Subscribe(offset, filter, matchUnfiltered).Target);

    private (Session Session, RecordingTarget Target) Subscribe(object offset, string[]? filter, bool matchUnfiltered)
    {
        var target = new RecordingTarget();
        var session = new Session(_connection, ++_channels, target);
        session.SetPrefetch(100, global: false);
        var arguments = new Dictionary<string, object?> { [StreamOffset.Argument] = offset };
        if (filter is not null)
        {
            arguments["x-stream-filter"] = filter.Cast<object?>().ToList();
            arguments["x-stream-match-unfiltered"] = matchUnfiltered;
        }

        Session.Activate(session.Consume(_stream, string.Empty, noAck: false, exclusive: false, arguments));
        return (session, target);
    }

    private static List<string> Bodies(RecordingTarget target) =>
        [.. target.Deliveries.Select(d => $"{BasicProperties.Decode(d.Message.Properties).Headers![StreamOffset.Argument]} {d.Body}")];
}
