using System.Diagnostics.Metrics;
using AmqpBroker.Management.Metrics;

namespace AmqpBroker.Management.Tests.Metrics;

public sealed class RuntimeMetricsTests
{
    [Test]
    public void Instrument_names_become_Prometheus_names_as_OpenTelemetry_converts_them()
    {
        using var meter = new Meter($"test.{Guid.NewGuid():N}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(RuntimeMetrics.PrometheusName(meter.CreateCounter<long>("dotnet.gc.heap.total_allocated", "By"), counter: true), Is.EqualTo("dotnet_gc_heap_total_allocated_bytes_total"));
            Assert.That(RuntimeMetrics.PrometheusName(meter.CreateCounter<double>("dotnet.gc.pause.time", "s"), counter: true), Is.EqualTo("dotnet_gc_pause_time_seconds_total"));
            Assert.That(RuntimeMetrics.PrometheusName(meter.CreateCounter<long>("dotnet.gc.collections", "{collection}"), counter: true), Is.EqualTo("dotnet_gc_collections_total"));
            Assert.That(RuntimeMetrics.PrometheusName(meter.CreateUpDownCounter<long>("dotnet.process.memory.working_set", "By"), counter: false), Is.EqualTo("dotnet_process_memory_working_set_bytes"));
            Assert.That(RuntimeMetrics.PrometheusName(meter.CreateUpDownCounter<long>("dotnet.thread_pool.queue.length", "{work_item}"), counter: false), Is.EqualTo("dotnet_thread_pool_queue_length"));
        }
    }

    [Test]
    public void The_runtimes_own_meter_is_written_with_types_and_labels()
    {
        using var metrics = new RuntimeMetrics();
        GC.Collect(0);
        var text = new PrometheusText();
        metrics.Write(text);
        var written = text.ToString();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(written, Does.Contain("# TYPE dotnet_gc_collections_total counter\n"));
            Assert.That(written, Does.Match("\ndotnet_gc_collections_total\\{gc_heap_generation=\"gen0\"\\} [1-9][0-9]*\n"));
            Assert.That(written, Does.Contain("# TYPE dotnet_process_memory_working_set_bytes gauge\n"));
            Assert.That(written, Does.Contain($"\ndotnet_process_cpu_count {Environment.ProcessorCount}\n"));
        }
    }
}
