using AmqpBroker.Core.Alarms;

namespace AmqpBroker.Core.Tests.Alarms;

/// <summary>
/// The memory watermark and the disk free limit raise and clear their alarms from what they read, and only their
/// own reason: an alarm the message store raised (a failed write) is not cleared by a healthy disk-space check.
/// </summary>
[TestFixture]
public sealed class ResourceLimitTests
{
    [Test]
    public void Received_bytes_check_the_watermark_once_a_hundredth_of_the_limit_has_arrived()
    {
        var alarms = new ResourceAlarms();
        var reads = 0;
        var watermark = new MemoryWatermark(alarms, limitBytes: 10_000, () =>
        {
            reads++;
            return 20_000;
        });

        watermark.OnReceived(60);
        watermark.OnReceived(39);
        var beforeAHundredth = (reads, alarms.IsRaised(AlarmResource.Memory));
        watermark.OnReceived(1);
        var atAHundredth = (reads, alarms.IsRaised(AlarmResource.Memory));
        watermark.OnReceived(99);

        Assert.That(beforeAHundredth, Is.EqualTo((0, false)));
        Assert.That(atAHundredth, Is.EqualTo((1, true)));
        Assert.That(reads, Is.EqualTo(1), "the count starts again from the check");
    }

    [Test]
    public void The_memory_alarm_follows_resident_memory_across_the_watermark()
    {
        var alarms = new ResourceAlarms();
        var used = 100L;
        var watermark = new MemoryWatermark(alarms, limitBytes: 150, () => used);

        watermark.Check();
        Assert.That(alarms.IsRaised(AlarmResource.Memory), Is.False);

        used = 151;
        watermark.Check();
        Assert.That(alarms.IsRaised(AlarmResource.Memory), Is.True);
        Assert.That(alarms.Reason, Is.EqualTo("low on memory"));

        used = 140;
        watermark.Check();
        Assert.That(alarms.IsRaised(AlarmResource.Memory), Is.False);
        Assert.That(alarms.WhenCleared.IsCompleted, Is.True);
    }

    [Test]
    public void A_new_limit_applies_from_the_next_check()
    {
        var alarms = new ResourceAlarms();
        var watermark = new MemoryWatermark(alarms, limitBytes: 1_000, () => 500);
        watermark.Check();

        watermark.SetLimit(400);
        watermark.Check();

        Assert.That(alarms.IsRaised(AlarmResource.Memory), Is.True);
        Assert.That(watermark.UsedBytes, Is.EqualTo(500));
    }

    [Test]
    public void The_disk_alarm_follows_free_space_and_keeps_the_stores_own_reason()
    {
        var alarms = new ResourceAlarms();
        var free = 10L;
        var disk = new DiskFreeLimit(alarms, "/", limitBytes: 50, () => free);

        disk.Check();
        Assert.That(alarms.IsRaised(AlarmResource.Disk), Is.True);
        Assert.That(alarms.Reason, Is.EqualTo("low on disk"));

        alarms.Raise(AlarmResource.Disk, "message store");
        free = 1_000;
        disk.Check();
        Assert.That(alarms.IsRaised(AlarmResource.Disk), Is.True, "the store's reason still holds");

        alarms.Clear(AlarmResource.Disk, "message store");
        Assert.That(alarms.IsRaised(AlarmResource.Disk), Is.False);
    }

    [Test]
    public void Clearing_without_a_source_clears_whoever_raised_it()
    {
        var alarms = new ResourceAlarms();
        alarms.Raise(AlarmResource.Memory, MemoryWatermark.Source);
        alarms.Raise(AlarmResource.Memory);

        Assert.That(alarms.Clear(AlarmResource.Memory), Is.True);

        Assert.That(alarms.IsRaised(AlarmResource.Memory), Is.False);
    }

    [Test]
    public void An_unreadable_file_system_leaves_the_disk_alarm_as_it_was()
    {
        var alarms = new ResourceAlarms();
        var disk = new DiskFreeLimit(alarms, "/", limitBytes: 50, () => throw new IOException("gone"));

        Assert.DoesNotThrow(disk.Check);
        Assert.That(alarms.IsRaised(AlarmResource.Disk), Is.False);
    }

    [TestCase("0", 0L)]
    [TestCase("50000000", 50_000_000L)]
    [TestCase("50MB", 50_000_000L)]
    [TestCase("512MiB", 512L << 20)]
    [TestCase("2 GB", 2_000_000_000L)]
    [TestCase("1kB", 1_000L)]
    [TestCase("3KiB", 3_072L)]
    public void Sizes_are_read_in_RabbitMQs_units(string text, long bytes)
    {
        Assert.That(ByteSize.TryParse(text, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(bytes));
    }

    [TestCase("")]
    [TestCase("-5MB")]
    [TestCase("5 XB")]
    [TestCase("1.5GB")]
    [TestCase("99999999999TB")]
    public void Other_sizes_are_refused(string text)
    {
        Assert.That(ByteSize.TryParse(text, out _), Is.False);
    }

    [TestCase("0.4", 1_000, 400L)]
    [TestCase("0.6", 1_000, 600L)]
    [TestCase("512MiB", 1_000, 512L << 20)]
    public void A_watermark_is_a_fraction_of_available_memory_or_a_size(string text, long available, long limit)
    {
        Assert.That(MemoryWatermark.TryParseLimit(text, available, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(limit));
    }

    [TestCase("1.5")]
    [TestCase("0")]
    [TestCase("lots")]
    public void Other_watermarks_are_refused(string text)
    {
        Assert.That(MemoryWatermark.TryParseLimit(text, 1_000, out _), Is.False);
    }
}
