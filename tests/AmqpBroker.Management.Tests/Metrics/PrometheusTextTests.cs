using AmqpBroker.Management.Metrics;

namespace AmqpBroker.Management.Tests.Metrics;

public sealed class PrometheusTextTests
{
    [Test]
    public void Families_have_help_and_type_and_label_values_are_escaped()
    {
        var text = new PrometheusText()
            .Gauge("rabbitmq_queues", "Queues available", 2)
            .Family("rabbitmq_queue_messages", MetricType.Gauge, "Messages")
            .Sample("rabbitmq_queue_messages", 5, ("vhost", "/"), ("queue", "a\"b\\c\nd"))
            .ToString();
        Assert.That(text, Is.EqualTo(
            "# HELP rabbitmq_queues Queues available\n# TYPE rabbitmq_queues gauge\nrabbitmq_queues 2\n" +
            "# HELP rabbitmq_queue_messages Messages\n# TYPE rabbitmq_queue_messages gauge\n" +
            "rabbitmq_queue_messages{vhost=\"/\",queue=\"a\\\"b\\\\c\\nd\"} 5\n"));
    }
}
