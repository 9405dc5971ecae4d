using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core.Tests.VirtualHosts;

/// <summary>
/// Deletion protection of a vhost, which RabbitMQ has from 4.1.0 (rabbit_vhost:delete, rabbit_db_vhost:enable_protection_from_deletion
/// and disable_protection_from_deletion, vhost:is_protected_from_deletion at v4.1.0): a flag in the vhost's metadata,
/// stored with it, that refuses the vhost's deletion while true.
/// </summary>
[TestFixture]
public sealed class VirtualHostDeletionProtectionTests : RestartingBrokerFixture
{
    [TestCase("4.1")]
    [TestCase("4.3")]
    public void A_protected_vhost_is_refused_deletion_with_RabbitMQs_text_until_unprotected(string release)
    {
        var broker = Start(settings: Settings(release));
        broker.AddVirtualHost("orders");

        Assert.That(broker.ProtectVirtualHost("orders", protect: true), Is.True);
        var error = Assert.Throws<VirtualHostProtectedException>(() => broker.DeleteVirtualHost("orders"))!;
        Assert.That(error.Message, Is.EqualTo("Refusing to delete virtual host 'orders' because it is protected from deletion"));
        Assert.That(broker.FindVirtualHost("orders"), Is.Not.Null);

        Assert.That(broker.ProtectVirtualHost("orders", protect: false), Is.True);
        Assert.That(broker.DeleteVirtualHost("orders"), Is.True);
    }

    [Test]
    public void A_release_before_4_1_does_not_know_protection()
    {
        var broker = Start(settings: Settings("4.0"));
        broker.AddVirtualHost("orders", new VirtualHostMetadata { ProtectedFromDeletion = true });

        Assert.That(broker.DeleteVirtualHost("orders"), Is.True);
    }

    [Test]
    public void Deleting_ignoring_protection_deletes_a_protected_vhost()
    {
        var broker = Start(settings: Settings("4.2"));
        broker.AddVirtualHost("orders");
        broker.ProtectVirtualHost("orders", protect: true);

        Assert.That(broker.DeleteVirtualHost("orders", ignoringProtection: true), Is.True);
    }

    [Test]
    public void Protecting_an_unknown_vhost_is_false()
    {
        var broker = Start(settings: Settings("4.2"));

        Assert.That((broker.ProtectVirtualHost("nowhere", protect: true), broker.ProtectVirtualHost("nowhere", protect: false)), Is.EqualTo((false, false)));
    }

    /// <summary>rabbit_vhost:update merges its metadata into the stored one, so the flag survives a PUT of the vhost.</summary>
    [Test]
    public void Updating_the_vhosts_metadata_keeps_its_protection_and_the_store_has_it()
    {
        var store = new MemoryDefinitionStore();
        var broker = Start(store, Settings("4.2"));
        broker.AddVirtualHost("orders");
        broker.ProtectVirtualHost("orders", protect: true);

        broker.AddVirtualHost("orders", new VirtualHostMetadata { Description = "EU orders" });

        Assert.That(broker.FindVirtualHost("orders")!.Metadata.ProtectedFromDeletion, Is.True);
        Assert.That(store.Metadata["orders"], Is.EqualTo(new VirtualHostMetadata { Description = "EU orders", ProtectedFromDeletion = true }));
        Assert.That(Start(store, Settings("4.2")).FindVirtualHost("orders")!.Metadata.ProtectedFromDeletion, Is.True, "a restarted broker keeps it");
    }

    private static BrokerSettings Settings(string release) => new() { Profile = VersionProfile.For(RabbitMqRelease.Parse(release)) };
}
