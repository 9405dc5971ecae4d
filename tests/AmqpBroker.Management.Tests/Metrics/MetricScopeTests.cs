using AmqpBroker.Management.Metrics;

namespace AmqpBroker.Management.Tests.Metrics;

public sealed class MetricScopeTests
{
    private static readonly (string Name, long Value)[] Queues = [("a", 2), ("b", 5)];

    [Test]
    public void Aggregated_families_are_one_unlabelled_sum()
    {
        Assert.That(Write(MetricScope.Aggregated), Is.EqualTo(
            "# HELP rabbitmq_queue_messages Messages\n# TYPE rabbitmq_queue_messages gauge\nrabbitmq_queue_messages 7\n"));
    }

    [Test]
    public void Per_object_families_have_a_labelled_sample_per_object()
    {
        Assert.That(Write(MetricScope.PerObjectScope), Does.EndWith(
            "rabbitmq_queue_messages{queue=\"a\"} 2\nrabbitmq_queue_messages{queue=\"b\"} 5\n"));
    }

    [Test]
    public void Detailed_families_are_prefixed_and_limited_to_the_vhosts_asked_for()
    {
        var scope = MetricScope.Detailed(new HashSet<string>(["/"]));
        Assert.That(Write(scope), Does.Contain("\nrabbitmq_detailed_queue_messages{queue=\"a\"} 2\n"));
        Assert.That((scope.Includes("/"), scope.Includes("other")), Is.EqualTo((true, false)));
        Assert.That(MetricScope.Detailed(null).Includes("other"), Is.True);
    }

    [Test]
    public void Values_are_integers_when_whole_and_round_trip_otherwise()
    {
        var text = new PrometheusText().Family("x", MetricType.Gauge, "X").Sample("x", 3.0).Sample("x", 0.25).Sample("x", double.NaN).ToString();
        Assert.That(text, Does.EndWith("x 3\nx 0.25\nx NaN\n"));
    }

    private static string Write(MetricScope scope)
    {
        var text = new PrometheusText();
        scope.Write(text, "queue_messages", MetricType.Gauge, "Messages", Queues, q => [("queue", q.Name)], q => q.Value);
        return text.ToString();
    }
}
