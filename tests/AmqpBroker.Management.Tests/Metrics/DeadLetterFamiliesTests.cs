using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Metrics;

namespace AmqpBroker.Management.Tests.Metrics;

public sealed class DeadLetterFamiliesTests
{
    /// <summary>The series RabbitMQ 3.10.8 writes from boot (rabbit_global_counters:boot_step), as scraped from it.</summary>
    private static readonly string[] RabbitMqSeries =
    [
        "rabbitmq_global_messages_dead_lettered_confirmed_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"at_least_once\"}",
        "rabbitmq_global_messages_dead_lettered_delivery_limit_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"at_least_once\"}",
        "rabbitmq_global_messages_dead_lettered_delivery_limit_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"at_most_once\"}",
        "rabbitmq_global_messages_dead_lettered_delivery_limit_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"disabled\"}",
        "rabbitmq_global_messages_dead_lettered_expired_total{queue_type=\"rabbit_classic_queue\",dead_letter_strategy=\"at_most_once\"}",
        "rabbitmq_global_messages_dead_lettered_expired_total{queue_type=\"rabbit_classic_queue\",dead_letter_strategy=\"disabled\"}",
        "rabbitmq_global_messages_dead_lettered_expired_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"at_least_once\"}",
        "rabbitmq_global_messages_dead_lettered_expired_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"at_most_once\"}",
        "rabbitmq_global_messages_dead_lettered_expired_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"disabled\"}",
        "rabbitmq_global_messages_dead_lettered_maxlen_total{queue_type=\"rabbit_classic_queue\",dead_letter_strategy=\"at_most_once\"}",
        "rabbitmq_global_messages_dead_lettered_maxlen_total{queue_type=\"rabbit_classic_queue\",dead_letter_strategy=\"disabled\"}",
        "rabbitmq_global_messages_dead_lettered_maxlen_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"at_most_once\"}",
        "rabbitmq_global_messages_dead_lettered_maxlen_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"disabled\"}",
        "rabbitmq_global_messages_dead_lettered_rejected_total{queue_type=\"rabbit_classic_queue\",dead_letter_strategy=\"at_most_once\"}",
        "rabbitmq_global_messages_dead_lettered_rejected_total{queue_type=\"rabbit_classic_queue\",dead_letter_strategy=\"disabled\"}",
        "rabbitmq_global_messages_dead_lettered_rejected_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"at_least_once\"}",
        "rabbitmq_global_messages_dead_lettered_rejected_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"at_most_once\"}",
        "rabbitmq_global_messages_dead_lettered_rejected_total{queue_type=\"rabbit_quorum_queue\",dead_letter_strategy=\"disabled\"}",
    ];

    [Test]
    public void The_five_families_have_RabbitMQs_label_combinations_at_zero_from_the_start()
    {
        var text = new PrometheusText();

        DeadLetterFamilies.Write(text, new DeadLetterTotals());

        var samples = text.ToString().Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.That(samples.Select(l => l[..l.LastIndexOf(' ')]), Is.EqualTo(RabbitMqSeries));
        Assert.That(samples.All(l => l.EndsWith(" 0", StringComparison.Ordinal)), Is.True);
    }
}
