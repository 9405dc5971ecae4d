using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// A paged message the store cannot give back (a disk read error): the queue skips it, logs MessageUnreadable,
/// and goes on with the next one, whoever asked (basic.get, expiry on the timer); one the log holds is left
/// unsettled there, so it comes back at the next start.
/// </summary>
public sealed partial class TransientPagingTests
{
    [Test]
    public void A_message_the_temporary_file_cannot_give_back_is_skipped_released_and_logged_and_the_next_one_comes()
    {
        _store.InMemoryLimit = 1;
        var queue = Declare("q", durable: false);
        PublishAll("q", Transient, 4);
        _store.Unreadable.Add("2");

        Assert.That(GetAll(queue).Select(g => g.Body), Is.EqualTo(new[] { "0", "1", "3" }));
        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(_store.Pages["q"].Held, Is.Zero, "the unreadable record is released with the others");
        var logged = Unreadable().Single();
        Assert.That(logged.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(logged.Message, Does.Contain("queue 'q'").And.Contain("lost"));
    }

    [Test]
    public void A_message_the_log_cannot_give_back_is_skipped_and_left_unsettled_for_the_next_start()
    {
        _store.InMemoryLimit = 1;
        var queue = Declare("d", durable: true);
        PublishAll("d", Persistent, 4);
        _store.Unreadable.Add("2");

        Assert.That(GetAll(queue).Select(g => g.Body), Is.EqualTo(new[] { "0", "1", "3" }));
        Assert.That(_store.Settled, Is.EquivalentTo(new[] { "d 0", "d 1", "d 3" }), "message 2 stays in the log");
        Assert.That(Unreadable().Single().Message, Does.Contain("comes back at the next start"));
    }

    [Test]
    public void Expiry_on_the_timer_skips_an_unreadable_message_and_dead_letters_the_others()
    {
        _store.InMemoryLimit = 0;
        var deadLetters = Declare("dlq", durable: false);
        var queue = Declare("dlx", durable: false, ("x-message-ttl", 1000), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"));
        PublishAll("dlx", Transient, 3);
        _store.Unreadable.Add("1");

        Assert.DoesNotThrow(() => _host.Time.Advance(TimeSpan.FromMilliseconds(1000)));

        Assert.That(GetAll(deadLetters).Select(g => g.Body), Is.EqualTo(new[] { "0", "2" }));
        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(Unreadable(), Has.Count.EqualTo(1));
    }

    private List<LogEntry> Unreadable() =>
        [.. _loggers.Entries.Where(e => e.Category == UnreadableMessages.Category && e.EventName == "MessageUnreadable")];
}
