using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Tests.Encoding;

[TestFixture]
public sealed class ShortStringCacheTests
{
    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    [Test]
    public void Same_bytes_give_the_same_instance()
    {
        var cache = new ShortStringCache();
        var first = cache.GetOrAdd(Utf8("amq.direct"));
        var second = cache.GetOrAdd(Utf8("amq.direct"));

        Assert.That(first, Is.EqualTo("amq.direct"));
        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void Different_bytes_give_their_own_strings()
    {
        var cache = new ShortStringCache();
        string[] names = ["orders", "orders.eu", "invoices", "ключ", "a", "b", "routing.key.1", "routing.key.2"];
        for (var round = 0; round < 3; round++)
        {
            foreach (var name in names)
            {
                Assert.That(cache.GetOrAdd(Utf8(name)), Is.EqualTo(name));
            }
        }
    }

    [Test]
    public void Strings_alike_in_length_first_middle_and_last_byte_are_told_apart()
    {
        // Same length, same first, middle (index 2) and last byte: whatever the slot hash samples, these are likely to share a slot.
        var cache = new ShortStringCache();
        string[] lookalikes = ["aXcde", "aYcde", "aZcdf"[..4] + "e", "a1cde", "abcXe"];
        for (var round = 0; round < 4; round++)
        {
            foreach (var text in lookalikes)
            {
                Assert.That(cache.GetOrAdd(Utf8(text)), Is.EqualTo(text), $"round {round}");
            }
        }
    }

    [Test]
    public void Many_more_strings_than_slots_all_come_back_right()
    {
        var cache = new ShortStringCache();
        var texts = Enumerable.Range(0, 2000).Select(i => $"queue-{i}").ToArray();
        var random = new Random(1234);
        for (var i = 0; i < 20_000; i++)
        {
            var text = texts[random.Next(texts.Length)];
            Assert.That(cache.GetOrAdd(Utf8(text)), Is.EqualTo(text));
        }
    }

    [Test]
    public void A_hit_after_a_colliding_string_was_evicted_is_still_right()
    {
        var cache = new ShortStringCache();
        var a = cache.GetOrAdd(Utf8("aXcde"));
        cache.GetOrAdd(Utf8("aYcde"));
        var again = cache.GetOrAdd(Utf8("aXcde"));
        Assert.That(again, Is.EqualTo("aXcde"));
        Assert.That(a, Is.EqualTo("aXcde"));
    }

    [Test]
    public void Empty_bytes_give_the_empty_string()
    {
        Assert.That(new ShortStringCache().GetOrAdd([]), Is.SameAs(string.Empty));
    }

    [Test]
    public void Input_buffer_reused_by_the_caller_does_not_corrupt_the_cache()
    {
        var cache = new ShortStringCache();
        var buffer = Utf8("queue");
        var first = cache.GetOrAdd(buffer);
        buffer[1] = (byte)'Q';
        Assert.That(cache.GetOrAdd(buffer), Is.EqualTo("qQeue"));
        Assert.That(cache.GetOrAdd(Utf8("queue")), Is.EqualTo("queue"));
        Assert.That(first, Is.EqualTo("queue"));
    }

    [Test]
    public void Invalid_UTF8_is_a_format_error_and_is_not_cached()
    {
        var cache = new ShortStringCache();
        Assert.Throws<AmqpFormatException>(() => cache.GetOrAdd([0x61, 0xFF, 0x62]));
        Assert.Throws<AmqpFormatException>(() => cache.GetOrAdd([0x61, 0xFF, 0x62]));
        Assert.That(cache.GetOrAdd(Utf8("a.b")), Is.EqualTo("a.b"));
    }

    [Test]
    public void Reader_with_a_cache_returns_one_instance_per_repeated_short_string()
    {
        // Back to back: a string read in between may share the slot (the cache is direct-mapped on a per-process hash).
        var cache = new ShortStringCache();
        var wire = Bytes.Of(5, "hello", 5, "hello", 5, "world");
        var reader = new AmqpReader(wire, cache);
        var first = reader.ReadShortString();
        var second = reader.ReadShortString();
        var third = reader.ReadShortString();

        Assert.That((first, second, third), Is.EqualTo(("hello", "hello", "world")));
        Assert.That(second, Is.SameAs(first));
        Assert.That(reader.Remaining, Is.Zero);
    }
}
