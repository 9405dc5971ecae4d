using AmqpBroker.Core.Alarms;

namespace AmqpBroker.Core.Tests.Alarms;

[TestFixture]
public sealed class ResourceAlarmsTests
{
    [Test]
    public void Memory_and_disk_block_publishers_with_RabbitMQs_reason_until_both_clear()
    {
        var alarms = new ResourceAlarms();

        Assert.That(alarms.Raise(AlarmResource.Disk), Is.True);
        Assert.That(alarms.Raise(AlarmResource.Disk), Is.False, "already raised");
        alarms.Raise(AlarmResource.Memory);
        var cleared = alarms.WhenCleared;

        Assert.That(alarms.Reason, Is.EqualTo("low on memory & disk"));
        Assert.That(alarms.Raised, Is.EqualTo(new[] { AlarmResource.Memory, AlarmResource.Disk }));
        alarms.Clear(AlarmResource.Memory);
        Assert.That((alarms.Reason, cleared.IsCompleted), Is.EqualTo(("low on disk", false)));
        alarms.Clear(AlarmResource.Disk);
        Assert.That((alarms.Reason, cleared.IsCompleted), Is.EqualTo(((string?)null, true)));
    }

    [Test]
    public void The_file_descriptor_alarm_blocks_no_publisher()
    {
        var alarms = new ResourceAlarms();

        alarms.Raise(AlarmResource.FileDescriptorLimit);

        Assert.That(alarms.IsRaised(AlarmResource.FileDescriptorLimit), Is.True);
        Assert.That((alarms.Reason, alarms.WhenCleared.IsCompleted), Is.EqualTo(((string?)null, true)));
        Assert.That(AlarmResource.FileDescriptorLimit.HealthCheckName(), Is.EqualTo("file descriptors"));
    }

    [Test]
    public void Sockets_past_their_limit_are_refused_with_the_alarm_raised_until_one_closes()
    {
        var alarms = new ResourceAlarms();
        var descriptors = new FileDescriptors(limit: 1024, openAtStart: 200, alarms);

        Assert.That(descriptors.SocketLimit, Is.EqualTo((1024 - 200 - FileDescriptors.Margin) * 9 / 10));
        var filesBefore = descriptors.FileLimit;
        for (var i = 0; i < descriptors.SocketLimit; i++)
        {
            Assert.That(descriptors.TryObtainSocket(), Is.True);
        }

        Assert.That(descriptors.FileLimit, Is.EqualTo(filesBefore - descriptors.SocketLimit), "segment files get what the sockets leave");
        Assert.That(alarms.IsRaised(AlarmResource.FileDescriptorLimit), Is.False);
        Assert.That(descriptors.TryObtainSocket(), Is.False);
        Assert.That((alarms.IsRaised(AlarmResource.FileDescriptorLimit), descriptors.SocketsUsed), Is.EqualTo((true, descriptors.SocketLimit)));

        descriptors.ReleaseSocket();

        Assert.That(alarms.IsRaised(AlarmResource.FileDescriptorLimit), Is.False);
        Assert.That(descriptors.TryObtainSocket(), Is.True);
    }
}
