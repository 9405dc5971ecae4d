using AmqpBroker.Core.Exchanges;

namespace AmqpBroker.Core.Tests.Exchanges;

/// <summary>The routing-key tokeniser: RabbitMQ's words, as spans of the key, found without allocating.</summary>
[TestFixture]
public sealed class TopicWordsTests
{
    [TestCase("", new string[0])]
    [TestCase("a", new[] { "a" })]
    [TestCase("a.b.c", new[] { "a", "b", "c" })]
    [TestCase("a..b", new[] { "a", "", "b" })]
    [TestCase(".", new[] { "", "" })]
    [TestCase(".a", new[] { "", "a" })]
    [TestCase("a.", new[] { "a", "" })]
    [TestCase("stock.usd.#", new[] { "stock", "usd", "#" })]
    public void A_key_splits_into_the_words_RabbitMQ_sees(string key, string[] expected)
    {
        var ends = new List<int>();
        TopicWords.Split(key, ends);

        var words = Enumerable.Range(0, ends.Count).Select(i => TopicWords.Word(key, ends, i).ToString()).ToArray();

        Assert.That(words, Is.EqualTo(expected));
    }

    [Test]
    public void Splitting_again_forgets_the_previous_key()
    {
        var scratch = new TopicMatchScratch();
        scratch.Begin("a.b.c.d");
        scratch.Begin("x.y");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(scratch.WordCount, Is.EqualTo(2));
            Assert.That(scratch.Word(1).ToString(), Is.EqualTo("y"));
        }
    }
}
