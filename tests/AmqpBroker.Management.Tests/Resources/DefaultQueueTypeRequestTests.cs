using System.Text;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Http;
using AmqpBroker.Management.Resources;

namespace AmqpBroker.Management.Tests.Resources;

/// <summary>
/// The default queue type of PUT /api/vhosts/{name} per release: 3.10 fails a new vhost's creation with a 500 (checked
/// against RabbitMQ 3.10.8) and ignores the key for an existing one; 3.13–4.1 crash the handler on a new vhost
/// (rabbit_mgmt_wm_vhost:accept_content at v3.13.7 has no clause for <c>{error, invalid_queue_type, T}</c>); 4.2 and 4.3
/// refuse with a 400 (release-notes/4.2.8.md and 4.3.2.md, #16481).
/// </summary>
public sealed class DefaultQueueTypeRequestTests
{
    private static VirtualHostMetadata Read(string release, string json, bool creating) =>
        DefaultQueueTypeRequest.Read(JsonBody.Parse(Encoding.UTF8.GetBytes(json)), VersionProfile.For(RabbitMqRelease.Parse(release)), creating);

    [TestCase("""{"defaultqueuetype":"bogus"}""")]
    [TestCase("""{"defaultqueuetype":""}""")]
    [TestCase("""{"defaultqueuetype":"undefined"}""")]
    [TestCase("""{"defaultqueuetype":null}""")]
    [TestCase("""{"defaultqueuetype":5}""")]
    public void On_3_10_an_unknown_type_fails_the_creation_with_a_500(string json)
    {
        var error = Assert.Throws<ApiException>(() => Read("3.10", json, creating: true))!;

        Assert.That((error.Status, error.Error, error.ErrorIsCharList, error.Reason), Is.EqualTo((500, "Error occured while adding vhost", true, "invalid_queue_type")));
    }

    [Test]
    public void On_3_10_an_existing_vhost_ignores_the_key_and_default_queue_type_is_not_read()
    {
        Assert.That(Read("3.10", """{"defaultqueuetype":"bogus"}""", creating: false), Is.EqualTo(VirtualHostMetadata.None));
        Assert.That(Read("3.10", """{"default_queue_type":"bogus"}""", creating: true), Is.EqualTo(VirtualHostMetadata.None));
        Assert.That(Read("3.10", """{"defaultqueuetype":"quorum"}""", creating: true).DefaultQueueType, Is.EqualTo("quorum"));
    }

    [TestCase("3.13")]
    [TestCase("4.0")]
    [TestCase("4.1")]
    public void From_3_13_to_4_2_7_an_unknown_type_crashes_the_creation(string release)
    {
        Assert.Throws<UnansweredException>(() => Read(release, """{"default_queue_type":"bogus"}""", creating: true));
        Assert.Throws<UnansweredException>(() => Read(release, """{"defaultqueuetype":""}""", creating: true));
        Assert.That(Read(release, """{"default_queue_type":"undefined"}""", creating: true), Is.EqualTo(VirtualHostMetadata.None));
    }

    [TestCase("4.2", """{"default_queue_type":""}""", "default_queue_type must not be an empty string")]
    [TestCase("4.2", """{"default_queue_type":"bogus"}""", "bogus is not a valid queue type")]
    [TestCase("4.3", """{"defaultqueuetype":"bogus"}""", "bogus is not a valid queue type")]
    [TestCase("4.3", """{"default_queue_type":false}""", "false is not a valid queue type")]
    [TestCase("4.3", """{"default_queue_type":7}""", "7 is not a valid default_queue_type value")]
    public void From_4_2_8_an_unknown_type_is_a_400(string release, string json, string reason)
    {
        foreach (var creating in new[] { true, false })
        {
            var error = Assert.Throws<ApiException>(() => Read(release, json, creating))!;
            Assert.That((error.Status, error.Reason), Is.EqualTo((400, reason)));
        }
    }

    [Test]
    public void From_4_2_8_null_means_none_and_default_queue_type_comes_first() =>
        Assert.That(Read("4.2", """{"default_queue_type":null,"defaultqueuetype":"bogus"}""", creating: true), Is.EqualTo(VirtualHostMetadata.None));
}
