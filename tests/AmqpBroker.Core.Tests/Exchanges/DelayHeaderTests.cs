using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Exchanges;

/// <summary>
/// The delayed-message plugin's x-delay header: integers of any width, numeric strings and floats (truncated)
/// delay a message from 1 ms to 2^32-1 ms; anything else routes it at once; a released message says the delay negated.
/// </summary>
[TestFixture]
public sealed class DelayHeaderTests
{
    private static IEnumerable<TestCaseData> Delays()
    {
        yield return new TestCaseData(5000, 5000L).SetName("an int delays");
        yield return new TestCaseData(5000L, 5000L).SetName("a long delays");
        yield return new TestCaseData((short)50, 50L).SetName("a short delays");
        yield return new TestCaseData("2500", 2500L).SetName("a numeric string delays");
        yield return new TestCaseData(1500.9, 1500L).SetName("a double is truncated");
        yield return new TestCaseData(0, 0L).SetName("zero goes at once");
        yield return new TestCaseData(-100, 0L).SetName("a negative delay goes at once");
        yield return new TestCaseData(4_294_967_295L, 4_294_967_295L).SetName("the longest Erlang timer delays");
        yield return new TestCaseData(4_294_967_296L, 0L).SetName("beyond the longest Erlang timer goes at once");
        yield return new TestCaseData("soon", 0L).SetName("a string that is no number goes at once");
        yield return new TestCaseData(true, 0L).SetName("a boolean goes at once");
    }

    [TestCaseSource(nameof(Delays))]
    public void The_delay_a_message_asks_for(object header, long expected)
    {
        var message = With(new Dictionary<string, object?> { ["x-delay"] = header });
        try
        {
            Assert.That(DelayHeader.Read(message), Is.EqualTo(expected));
        }
        finally
        {
            message.Release();
        }
    }

    [Test]
    public void A_message_without_headers_goes_at_once()
    {
        var message = With(null);
        Assert.That(DelayHeader.Read(message), Is.Zero);
        message.Release();
    }

    [Test]
    public void A_released_message_carries_the_delay_negated_and_keeps_its_other_headers()
    {
        var message = With(new Dictionary<string, object?> { ["x-delay"] = 5000, ["tenant"] = "eu" });
        var released = DelayHeader.Released(message, 5000);

        var headers = BasicProperties.Decode(released.Properties).Headers!;
        Assert.That(headers["x-delay"], Is.EqualTo(-5000));
        Assert.That(headers["tenant"], Is.EqualTo("eu"));
        Assert.That(DelayHeader.Read(released), Is.Zero, "not delayed a second time");
        message.Release();
        released.Release();
    }

    private static Message With(Dictionary<string, object?>? headers) =>
        Message.Create("", "rk", new BasicProperties { Headers = headers }.Encode(), "m"u8);
}
